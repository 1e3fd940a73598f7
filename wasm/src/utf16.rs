//! Byte offsets (the library's unit) to UTF-16 offsets (JavaScript's and the
//! editor's unit), converted once, at the boundary.

/// The UTF-16 offset of byte offset `byte` in `text`. An offset inside a
/// character counts up to that character's start; past the end, the length.
pub fn offset(text: &str, byte: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() > byte {
            return units;
        }
        units += c.len_utf16();
    }
    units
}

/// A byte range `[start, end)` of `text` as a UTF-16 range.
pub fn range(text: &str, start: usize, end: usize) -> [usize; 2] {
    let s = offset(text, start);
    let e = offset(text, end.max(start));
    [s, e]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_unchanged() {
        assert_eq!(range("abc", 1, 3), [1, 3]);
        assert_eq!(offset("abc", 9), 3);
    }

    #[test]
    fn multibyte_characters_count_in_utf16_units() {
        // "é" is 2 bytes, 1 unit; "😀" is 4 bytes, 2 units.
        let t = "é😀x";
        assert_eq!(offset(t, 2), 1);
        assert_eq!(offset(t, 6), 3);
        assert_eq!(range(t, 6, 7), [3, 4]);
        // inside a character: its start
        assert_eq!(offset(t, 1), 0);
    }
}
