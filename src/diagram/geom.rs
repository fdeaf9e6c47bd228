//! The diagram's own small geometry types: points and rectangles in plain `f32` pixels
//! (y grows downwards), so the model needs no GUI crate.

/// A point (px).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position, growing downwards.
    pub y: f32,
}

impl Point {
    /// The point at `(x, y)`.
    pub const fn new(x: f32, y: f32) -> Point {
        Point { x, y }
    }
}

/// An axis-aligned rectangle (px) from `min` (top left) to `max` (bottom right).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Top-left corner.
    pub min: Point,
    /// Bottom-right corner.
    pub max: Point,
}

impl Rect {
    /// The rectangle spanned by two corners.
    pub const fn from_min_max(min: Point, max: Point) -> Rect {
        Rect { min, max }
    }

    /// Left edge.
    pub fn left(&self) -> f32 {
        self.min.x
    }

    /// Right edge.
    pub fn right(&self) -> f32 {
        self.max.x
    }

    /// Top edge.
    pub fn top(&self) -> f32 {
        self.min.y
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f32 {
        self.max.y
    }

    /// Width (negative if inverted).
    pub fn width(&self) -> f32 {
        self.max.x - self.min.x
    }

    /// Height (negative if inverted).
    pub fn height(&self) -> f32 {
        self.max.y - self.min.y
    }

    /// The centre.
    pub fn center(&self) -> Point {
        Point::new(
            (self.min.x + self.max.x) / 2.0,
            (self.min.y + self.max.y) / 2.0,
        )
    }

    /// Whether `y` lies within `[top, bottom]`.
    pub fn contains_y(&self, y: f32) -> bool {
        self.min.y <= y && y <= self.max.y
    }
}
