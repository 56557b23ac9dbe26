//! Where a driver reads its socket into: a buffer on its own stack while the connection
//! is quiet, and one on the heap, grown to the reads, during a burst of input. An idle
//! client (people run hundreds in one process) keeps no read buffer at all, and a
//! download still reads up to [`READ_MAX`] bytes per call.

/// The stack buffer's size: what the reads of a connection that is not busy fit in.
pub const STACK_READ: usize = 4 << 10;

/// The largest the heap buffer grows to.
pub const READ_MAX: usize = 256 << 10;

/// Small reads in a row after which the heap buffer goes: enough that a pause within a
/// download does not make it grow again from the stack's size.
const SMALL_READS_TO_SHRINK: u32 = 8;

/// The heap side of a driver's read buffer, and when to let it go.
#[derive(Debug, Default)]
pub struct ReadBuffer {
    heap: Vec<u8>,
    /// Reads in a row that the stack's buffer would have held.
    small_reads: u32,
}

impl ReadBuffer {
    /// The buffer the next read goes to: `stack` (the caller's), unless a burst made a
    /// heap one. Asked again before [`ReadBuffer::after_read`], it gives the same one.
    pub fn get<'a>(&'a mut self, stack: &'a mut [u8; STACK_READ]) -> &'a mut [u8] {
        if self.heap.is_empty() {
            stack
        } else {
            &mut self.heap
        }
    }

    /// Takes note of a read of `n` bytes into a buffer of `size` (what `get` gave): a
    /// full read says more may be waiting, so the next read gets twice the room; after
    /// eight small ones in a row the heap buffer goes.
    pub fn after_read(&mut self, size: usize, n: usize) {
        if n == size && size < READ_MAX {
            self.heap.resize((size * 2).min(READ_MAX), 0);
        }
        if n > STACK_READ {
            self.small_reads = 0;
        } else if !self.heap.is_empty() {
            self.small_reads += 1;
            if self.small_reads >= SMALL_READS_TO_SHRINK {
                self.heap = Vec::new();
                self.small_reads = 0;
            }
        }
    }

    /// Bytes held on the heap.
    pub fn capacity(&self) -> usize {
        self.heap.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `n` bytes (or as many as fit) as a socket would; returns what was read.
    fn read(buffer: &mut ReadBuffer, stack: &mut [u8; STACK_READ], n: usize) -> usize {
        let buf = buffer.get(stack);
        let size = buf.len();
        let got = n.min(size);
        buf[..got].fill(0xab);
        buffer.after_read(size, got);
        got
    }

    #[test]
    fn a_quiet_connection_reads_on_the_stack_only() {
        let mut buffer = ReadBuffer::default();
        let mut stack = [0; STACK_READ];
        for n in [1, 100, STACK_READ - 1] {
            assert_eq!(read(&mut buffer, &mut stack, n), n);
            assert_eq!(buffer.capacity(), 0);
        }
    }

    #[test]
    fn a_burst_grows_the_heap_buffer_to_the_limit_and_quiet_reads_let_it_go() {
        let mut buffer = ReadBuffer::default();
        let mut stack = [0; STACK_READ];
        // A download: every read fills the buffer it gets.
        let mut sizes = Vec::new();
        for _ in 0..10 {
            sizes.push(read(&mut buffer, &mut stack, usize::MAX));
        }
        assert_eq!(
            sizes,
            [4, 8, 16, 32, 64, 128, 256, 256, 256, 256].map(|k| k << 10)
        );
        assert_eq!(buffer.capacity(), READ_MAX);
        // A pause of a few small reads keeps it.
        for _ in 0..SMALL_READS_TO_SHRINK - 1 {
            read(&mut buffer, &mut stack, 10);
        }
        assert_eq!(buffer.capacity(), READ_MAX);
        // A large read starts the count again.
        read(&mut buffer, &mut stack, 100 << 10);
        for _ in 0..SMALL_READS_TO_SHRINK - 1 {
            read(&mut buffer, &mut stack, 10);
        }
        assert_eq!(buffer.capacity(), READ_MAX);
        read(&mut buffer, &mut stack, 10);
        assert_eq!(buffer.capacity(), 0, "quiet again: the heap buffer is gone");
        assert_eq!(read(&mut buffer, &mut stack, 10), 10);
    }
}
