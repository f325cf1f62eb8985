//! The numbers js/api.js and the wasm exports agree on, written once, in js/api.js, and read
//! from it when the crate compiles (`include_bytes!` and `const fn`s: nothing of it is in the
//! wasm):
//! - an operation's number for the in-memory build's `Handle::call` is its place in the file's
//!   `const OPS = [...]` list (src/js/call.rs);
//! - `incr`'s `which` (incr, decr, their async twins, incr_version, decr_version) is its
//!   place in `const INCR_KINDS = [...]`, in both builds.
//!
//! A name looked up here that is missing from its list fails the build.

/// js/api.js, whose lists give the numbers.
const API_JS: &[u8] = include_bytes!("../../js/api.js");

/// What starts the operations' list in js/api.js.
#[cfg(edgecache_memory_only)]
const OPS_LIST: &[u8] = b"const OPS = [";

/// What starts the list of `incr`'s kinds in js/api.js.
const INCR_LIST: &[u8] = b"const INCR_KINDS = [";

/// The place of `name` among the quoted names of the js/api.js list that starts with
/// `opener`; with no name, how many there are. Evaluated by the compiler: a list that is not
/// there, or a name not in it, fails the build (`missing` says which list).
const fn scan(opener: &[u8], name: Option<&[u8]>, missing: &str) -> u8 {
    let text = API_JS;
    let mut i = 0;
    // The list's opening; the build fails (index out of bounds) if it is not there.
    loop {
        let mut j = 0;
        while j < opener.len() && text[i + j] == opener[j] {
            j += 1;
        }
        if j == opener.len() {
            i += j;
            break;
        }
        i += 1;
    }
    let mut n = 0;
    loop {
        match text[i] {
            b']' => break,
            b'\'' => {
                let start = i + 1;
                let mut end = start;
                while text[end] != b'\'' {
                    end += 1;
                }
                if let Some(name) = name {
                    if end - start == name.len() {
                        let mut k = 0;
                        while k < name.len() && text[start + k] == name[k] {
                            k += 1;
                        }
                        if k == name.len() {
                            return n;
                        }
                    }
                }
                n += 1;
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    if name.is_some() {
        panic!("{}", missing);
    }
    n
}

/// The number of the operation `name` (its place in js/api.js's `OPS`).
#[cfg(edgecache_memory_only)]
pub(crate) const fn op(name: &str) -> u8 {
    scan(
        OPS_LIST,
        Some(name.as_bytes()),
        "an operation of src/js/call.rs is missing from OPS in js/api.js",
    )
}

/// How many operations js/api.js's `OPS` lists.
#[cfg(edgecache_memory_only)]
pub(crate) const OP_COUNT: usize = scan(OPS_LIST, None, "") as usize;

/// What `incr`'s `which` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IncrKind {
    Incr,
    Decr,
    Aincr,
    Adecr,
    IncrVersion,
    DecrVersion,
}

/// The number of `incr`'s kind `name` (its place in js/api.js's `INCR_KINDS`).
const fn incr_kind(name: &str) -> usize {
    scan(
        INCR_LIST,
        Some(name.as_bytes()),
        "a kind of incr is missing from INCR_KINDS in js/api.js",
    ) as usize
}

/// How many kinds js/api.js's `INCR_KINDS` lists: exactly the six of [`IncrKind`], each found
/// at its own place, so every place of [`INCR_KINDS`] is set below.
pub(crate) const INCR_KIND_COUNT: usize = scan(INCR_LIST, None, "") as usize;
const _: () = assert!(
    INCR_KIND_COUNT == 6,
    "js/api.js's INCR_KINDS lists a kind of incr src/js/api_numbers.rs does not know"
);

/// [`IncrKind`]s by their number.
const INCR_KINDS: [IncrKind; INCR_KIND_COUNT] = {
    let mut kinds = [IncrKind::Incr; INCR_KIND_COUNT];
    kinds[incr_kind("incr")] = IncrKind::Incr;
    kinds[incr_kind("decr")] = IncrKind::Decr;
    kinds[incr_kind("aincr")] = IncrKind::Aincr;
    kinds[incr_kind("adecr")] = IncrKind::Adecr;
    kinds[incr_kind("incr_version")] = IncrKind::IncrVersion;
    kinds[incr_kind("decr_version")] = IncrKind::DecrVersion;
    kinds
};

impl IncrKind {
    /// The kind numbered `which`, if any.
    pub(crate) fn from_which(which: u8) -> Option<Self> {
        INCR_KINDS.get(usize::from(which)).copied()
    }
}
