//! Unit tests of the mapper: the examples of DESIGN §3 and the behaviour of each query.
