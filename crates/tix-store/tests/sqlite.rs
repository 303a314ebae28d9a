//! The conformance suite against the SQLite backend, twice: in memory
//! (reads go through the writer) and in a temporary file (reads use the
//! separate read-connection pool, so cache coherence between the writer and
//! the readers is exercised too).

mod in_memory {
    tix_store::conformance_tests!(tix_store::SqliteStore::open_in_memory().expect("open an in-memory store"));
}

mod file {
    use std::cell::RefCell;

    use tix_store::SqliteStore;

    thread_local! {
        /// Each test runs on its own thread; its temporary directory lives
        /// until that thread ends, i.e. for the whole test.
        static DIRS: RefCell<Vec<tempfile::TempDir>> = const { RefCell::new(Vec::new()) };
    }

    fn file_store() -> SqliteStore {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let store = SqliteStore::open(&dir.path().join("tix.db")).expect("open a file store");
        DIRS.with(|dirs| dirs.borrow_mut().push(dir));
        store
    }

    tix_store::conformance_tests!(file_store());
}
