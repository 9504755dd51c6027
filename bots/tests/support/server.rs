//! The `pixdrop` binary as a child process in a test: killed when the guard
//! drops, so a test that fails before stopping it leaves no server behind.

pub struct Stopper(pub std::process::Child);

impl Drop for Stopper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
