//! How a file of a given size is cut into upload parts: pure arithmetic on the limits
//! Telegram sets, kept apart so it is tested without a server.

use super::FileError;

/// The size of every part but the last: the largest Telegram takes (it must divide
/// 512 KiB and be a multiple of 1 KiB).
pub const PART_SIZE: usize = 512 << 10;

/// Files larger than this go up as "big" files (`upload.saveBigFilePart`, no MD5).
pub const BIG_FILE: u64 = 10 << 20;

/// The most parts one file may have (4,000 × 512 KiB = 2,000 MiB; premium accounts may
/// send more, which the server then accepts without our help).
pub const MAX_PARTS: u64 = 4000;

/// The parts of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The file's size in bytes.
    pub(crate) size: u64,
    /// How many parts it has.
    pub(crate) parts: i32,
    /// Whether it goes up as a big file.
    pub(crate) big: bool,
}

impl Plan {
    /// The plan for a file of `size` bytes: an empty file and one beyond the part limit
    /// are refused before anything is sent (the server would refuse them after).
    pub(crate) fn new(size: u64) -> Result<Plan, FileError> {
        if size == 0 {
            return Err(FileError::Empty);
        }
        let parts = size.div_ceil(PART_SIZE as u64);
        if parts > MAX_PARTS {
            return Err(FileError::TooBig {
                size,
                max: MAX_PARTS * PART_SIZE as u64,
            });
        }
        Ok(Plan {
            size,
            // At most MAX_PARTS, so it fits.
            parts: parts as i32,
            big: size > BIG_FILE,
        })
    }

    /// The length of part `part` (every part is full but the last).
    pub(crate) fn part_len(&self, part: i32) -> usize {
        let start = part as u64 * PART_SIZE as u64;
        (self.size - start).min(PART_SIZE as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_around_the_part_and_big_file_limits() {
        // (size, parts, big, last part's length), worked out by hand from 512 KiB
        // parts and the 10 MiB line.
        let cases: [(u64, i32, bool, usize); 7] = [
            (1, 1, false, 1),
            (524_287, 1, false, 524_287),
            (524_288, 1, false, 524_288),
            (524_289, 2, false, 1),
            (10_485_760, 20, false, 524_288),
            (10_485_761, 21, true, 1),
            (2_097_152_000, 4000, true, 524_288),
        ];
        for (size, parts, big, last) in cases {
            let plan = Plan::new(size).unwrap();
            assert_eq!((plan.parts, plan.big), (parts, big), "size {size}");
            assert_eq!(plan.part_len(parts - 1), last, "size {size}");
            if parts > 1 {
                assert_eq!(plan.part_len(0), 524_288);
            }
        }
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert!(matches!(Plan::new(0), Err(FileError::Empty)));
        assert!(matches!(
            Plan::new(2_097_152_001),
            Err(FileError::TooBig {
                size: 2_097_152_001,
                ..
            })
        ));
    }
}
