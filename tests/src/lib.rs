//! The testkit shared by the integration tests: throwaway databases, schemas, the binary.
