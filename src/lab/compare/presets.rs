//! The published comparisons a compare run reproduces: each preset's workload and the
//! figures it was published with, what each figure counts, and what we correct.
