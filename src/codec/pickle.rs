//! Python pickles of [`Value`]s, for sharing cache storage with a live Django app.
//!
//! [`dumps`] reproduces CPython 3.11's `pickle.dumps(v, protocol=5)` (the C pickler,
//! `HIGHEST_PROTOCOL`, which Django uses) byte for byte for every value kind edgecache has.
//! [`loads`] / [`loads_prefix`] read what Python writes for those kinds with protocols 2–5
//! (plus the simple protocol 0/1 opcodes), and refuse everything else with a [`PickleError`].
//!
//! # Writing
//!
//! * `PROTO 5`, then the opcodes, then `STOP`. Everything after `PROTO` is written in frames:
//!   a frame is closed when the next object is about to be saved and the frame already holds
//!   at least 64 KiB; a closed frame gets a `FRAME` header (8-byte little-endian length) only
//!   if it holds at least 4 bytes, otherwise its bytes stay unframed (so `None` pickles as
//!   `80 05 4e 2e`). A `str` or `bytes` whose data is 64 KiB or more closes the current frame
//!   and is written outside any frame; the `MEMOIZE` after it starts a new one.
//! * Ints: `BININT1` (0..=255), `BININT2` (256..=65535), `BININT` (other signed 32-bit),
//!   else `LONG1` with the shortest two's-complement little-endian bytes. Floats: `BINFLOAT`
//!   (big-endian bits, so NaN payloads and `-0.0` survive).
//! * `str`, `bytes`, non-empty tuples, lists and dicts are memoized (`MEMOIZE` right after a
//!   str/bytes/tuple; right after `EMPTY_LIST`/`EMPTY_DICT` for containers); the empty tuple,
//!   ints, floats, bools and `None` are not. Lists and dicts with one item use
//!   `APPEND`/`SETITEM`; longer ones use `MARK … APPENDS`/`SETITEMS` in batches of 1000 (a
//!   dict of exactly 1000·k items gets one more, empty, `MARK SETITEMS`, as CPython's loop
//!   stops only after a batch that is not full).
//!   Tuples of 1–3 items use `TUPLE1..3`, longer ones `MARK … TUPLE`.
//! * CPython memoizes by object identity: an object met a second time is written as a
//!   `BINGET`/`LONG_BINGET` memo reference. A `Value` tree has no shared objects, so in
//!   general nothing is written twice by reference — except the objects CPython 3.11's
//!   `pickle.loads` (and UTF-8 decoding generally) always returns as shared singletons: the
//!   empty `str`, one-character `str`s below U+0100 and the empty `bytes`. These are written
//!   once and then referenced, so `dumps(v)` equals CPython's `pickle.dumps(pickle.loads(
//!   dumps(v)), 5)`. One-byte `bytes` are not shared: `pickle.loads` makes fresh ones (though
//!   `bytes([5])` or slicing in Python returns a singleton, which CPython would reference).
//!   Likewise a Python list holding the *same* longer string object twice (e.g. an interned
//!   literal) pickles with a memo reference that `dumps` does not produce; `loads` reads it.
//! * `dumps` never recurses, so arbitrarily deep values cannot overflow the stack.
//!
//! # Reading
//!
//! The reader builds Python's object graph first (memo references share objects, so an
//! `APPEND` to a list fetched back from the memo changes every place it appears, as in
//! Python), then copies it into a `Value` tree. Like `pickle.loads`, bytes after `STOP` are
//! ignored. Refused, with a [`PickleError`]:
//!
//! * objects other than plain data: `GLOBAL`/`STACK_GLOBAL` (naming `module.name`), `REDUCE`,
//!   `BUILD`, `NEWOBJ`, persistent ids, extensions, out-of-band buffers, and sets. The only
//!   globals accepted are the ones protocol 2 uses to spell `bytes`/`bytearray`
//!   (`_codecs.encode`, `builtins.bytes`, `builtins.bytearray`); a `bytearray` reads as bytes;
//! * ints beyond 128 bits, strings that are not UTF-8 (Python's lone surrogates included),
//!   Python 2 `str`s that are not ASCII, the protocol 0 string opcodes `STRING`/`UNICODE`;
//! * recursive structures (a list containing itself), unhashable dict keys;
//! * malformed data: stack underflow, missing `MARK`, truncation, a `FRAME` longer than the
//!   data, unknown opcodes;
//! * resource bombs: nesting deeper than 1000 containers, more than 1,000,000 memo entries,
//!   and values that would expand (through shared references) past 64 MiB plus 64 bytes per
//!   input byte. Lengths are checked against the input before anything is allocated.
//!
//! Dict keys follow Python's equality: `1`, `1.0` and `True` are the same key (the first
//! spelling keeps its place and the last value wins), as `pickle.loads` would build them.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::num::IntErrorKind;

use crate::value::Value;

// ---------------------------------------------------------------------------
// Opcodes
// ---------------------------------------------------------------------------

const MARK: u8 = b'(';
const STOP: u8 = b'.';
const POP: u8 = b'0';
const POP_MARK: u8 = b'1';
const DUP: u8 = b'2';
const FLOAT: u8 = b'F';
const INT: u8 = b'I';
const BININT: u8 = b'J';
const BININT1: u8 = b'K';
const LONG: u8 = b'L';
const BININT2: u8 = b'M';
const NONE: u8 = b'N';
const PERSID: u8 = b'P';
const BINPERSID: u8 = b'Q';
const REDUCE: u8 = b'R';
const STRING: u8 = b'S';
const BINSTRING: u8 = b'T';
const SHORT_BINSTRING: u8 = b'U';
const UNICODE: u8 = b'V';
const BINUNICODE: u8 = b'X';
const APPEND: u8 = b'a';
const BUILD: u8 = b'b';
const GLOBAL: u8 = b'c';
const DICT: u8 = b'd';
const EMPTY_DICT: u8 = b'}';
const APPENDS: u8 = b'e';
const GET: u8 = b'g';
const BINGET: u8 = b'h';
const INST: u8 = b'i';
const LONG_BINGET: u8 = b'j';
const LIST: u8 = b'l';
const EMPTY_LIST: u8 = b']';
const OBJ: u8 = b'o';
const PUT: u8 = b'p';
const BINPUT: u8 = b'q';
const LONG_BINPUT: u8 = b'r';
const SETITEM: u8 = b's';
const TUPLE: u8 = b't';
const EMPTY_TUPLE: u8 = b')';
const SETITEMS: u8 = b'u';
const BINFLOAT: u8 = b'G';
const PROTO: u8 = 0x80;
const NEWOBJ: u8 = 0x81;
const EXT1: u8 = 0x82;
const EXT2: u8 = 0x83;
const EXT4: u8 = 0x84;
const TUPLE1: u8 = 0x85;
const TUPLE2: u8 = 0x86;
const TUPLE3: u8 = 0x87;
const NEWTRUE: u8 = 0x88;
const NEWFALSE: u8 = 0x89;
const LONG1: u8 = 0x8a;
const LONG4: u8 = 0x8b;
const BINBYTES: u8 = b'B';
const SHORT_BINBYTES: u8 = b'C';
const SHORT_BINUNICODE: u8 = 0x8c;
const BINUNICODE8: u8 = 0x8d;
const BINBYTES8: u8 = 0x8e;
const EMPTY_SET: u8 = 0x8f;
const ADDITEMS: u8 = 0x90;
const FROZENSET: u8 = 0x91;
const NEWOBJ_EX: u8 = 0x92;
const STACK_GLOBAL: u8 = 0x93;
const MEMOIZE: u8 = 0x94;
const FRAME: u8 = 0x95;
const BYTEARRAY8: u8 = 0x96;
const NEXT_BUFFER: u8 = 0x97;
const READONLY_BUFFER: u8 = 0x98;

/// The name `pickletools` gives an opcode, for error messages.
fn opcode_name(op: u8) -> Option<&'static str> {
    Some(match op {
        MARK => "MARK",
        STOP => "STOP",
        POP => "POP",
        POP_MARK => "POP_MARK",
        DUP => "DUP",
        FLOAT => "FLOAT",
        INT => "INT",
        BININT => "BININT",
        BININT1 => "BININT1",
        LONG => "LONG",
        BININT2 => "BININT2",
        NONE => "NONE",
        PERSID => "PERSID",
        BINPERSID => "BINPERSID",
        REDUCE => "REDUCE",
        STRING => "STRING",
        BINSTRING => "BINSTRING",
        SHORT_BINSTRING => "SHORT_BINSTRING",
        UNICODE => "UNICODE",
        BINUNICODE => "BINUNICODE",
        APPEND => "APPEND",
        BUILD => "BUILD",
        GLOBAL => "GLOBAL",
        DICT => "DICT",
        EMPTY_DICT => "EMPTY_DICT",
        APPENDS => "APPENDS",
        GET => "GET",
        BINGET => "BINGET",
        INST => "INST",
        LONG_BINGET => "LONG_BINGET",
        LIST => "LIST",
        EMPTY_LIST => "EMPTY_LIST",
        OBJ => "OBJ",
        PUT => "PUT",
        BINPUT => "BINPUT",
        LONG_BINPUT => "LONG_BINPUT",
        SETITEM => "SETITEM",
        TUPLE => "TUPLE",
        EMPTY_TUPLE => "EMPTY_TUPLE",
        SETITEMS => "SETITEMS",
        BINFLOAT => "BINFLOAT",
        PROTO => "PROTO",
        NEWOBJ => "NEWOBJ",
        EXT1 => "EXT1",
        EXT2 => "EXT2",
        EXT4 => "EXT4",
        TUPLE1 => "TUPLE1",
        TUPLE2 => "TUPLE2",
        TUPLE3 => "TUPLE3",
        NEWTRUE => "NEWTRUE",
        NEWFALSE => "NEWFALSE",
        LONG1 => "LONG1",
        LONG4 => "LONG4",
        BINBYTES => "BINBYTES",
        SHORT_BINBYTES => "SHORT_BINBYTES",
        SHORT_BINUNICODE => "SHORT_BINUNICODE",
        BINUNICODE8 => "BINUNICODE8",
        BINBYTES8 => "BINBYTES8",
        EMPTY_SET => "EMPTY_SET",
        ADDITEMS => "ADDITEMS",
        FROZENSET => "FROZENSET",
        NEWOBJ_EX => "NEWOBJ_EX",
        STACK_GLOBAL => "STACK_GLOBAL",
        MEMOIZE => "MEMOIZE",
        FRAME => "FRAME",
        BYTEARRAY8 => "BYTEARRAY8",
        NEXT_BUFFER => "NEXT_BUFFER",
        READONLY_BUFFER => "READONLY_BUFFER",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// A frame holding at least this many bytes is closed before the next object is saved;
/// str/bytes data at least this long is written outside frames.
const FRAME_SIZE_TARGET: usize = 64 * 1024;
/// A closed frame shorter than this gets no `FRAME` header.
const FRAME_SIZE_MIN: usize = 4;
/// `FRAME` plus its 8-byte length.
const FRAME_HEADER_SIZE: usize = 9;
/// Items per `APPENDS` / pairs per `SETITEMS`.
const BATCH_SIZE: usize = 1000;
/// Memo slots for the objects `pickle.loads` always shares: `''`, `chr(0)..=chr(255)`, `b''`.
const SINGLETON_SLOTS: usize = 258;

/// What is left to write, innermost last.
enum Task<'a> {
    /// Save an object (starting with the frame check CPython does before each object).
    Save(&'a Value),
    /// Write one opcode byte.
    Op(u8),
    /// Write `MEMOIZE` for the object just completed.
    Memoize,
}

/// CPython's C pickler state, reduced to what `Value`s need.
struct Pickler {
    out: Vec<u8>,
    /// Where the reserved 9 header bytes of the open frame start.
    frame_start: Option<usize>,
    /// Entries in Python's memo so far (the next `MEMOIZE` gets this index).
    memo_len: usize,
    /// Memo index of each singleton str/bytes already written.
    singletons: [Option<usize>; SINGLETON_SLOTS],
}

/// Pickles `value` exactly as CPython 3.11's `pickle.dumps(value, protocol=5)` does.
///
/// Deterministic and infallible; see the module documentation for the rules reproduced.
pub fn dumps(value: &Value) -> Vec<u8> {
    dumps_protocol(value, 5)
}

/// `pickle.dumps(v, protocol)` for protocol 4 or 5 (any other is written as 5). For the plain
/// data a [`Value`] holds the two differ only in the `PROTO` byte: protocol 5's additions
/// (`BYTEARRAY8`, out-of-band buffers) are for objects edgecache never writes.
pub fn dumps_protocol(value: &Value, protocol: u8) -> Vec<u8> {
    let mut out = dumps_5(value);
    if protocol == 4 {
        out[1] = 4;
    }
    out
}

fn dumps_5(value: &Value) -> Vec<u8> {
    let mut pickler = Pickler {
        out: Vec::new(),
        frame_start: None,
        memo_len: 0,
        singletons: [None; SINGLETON_SLOTS],
    };
    // PROTO precedes framing.
    pickler.out.extend_from_slice(&[PROTO, 5]);
    let mut tasks = Vec::new();
    tasks.push(Task::Save(value));
    while let Some(task) = tasks.pop() {
        match task {
            Task::Save(v) => pickler.save(v, &mut tasks),
            Task::Op(op) => pickler.write(&[op]),
            Task::Memoize => pickler.memoize(),
        }
    }
    pickler.write(&[STOP]);
    pickler.commit_frame();
    pickler.out
}

/// The memo slot of a str/bytes object CPython 3.11 always shares, if it is one.
fn singleton_slot(value: &Value) -> Option<usize> {
    match value {
        Value::Str(s) => {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (None, _) => Some(0),
                (Some(c), None) => {
                    let code = usize::try_from(u32::from(c)).ok()?;
                    (code < 256).then_some(code + 1)
                }
                _ => None,
            }
        }
        Value::Bytes(b) if b.is_empty() => Some(257),
        _ => None,
    }
}

impl Pickler {
    /// Appends to the output, opening a frame first if none is open.
    fn write(&mut self, data: &[u8]) {
        if self.frame_start.is_none() {
            self.frame_start = Some(self.out.len());
            self.out.extend_from_slice(&[0; FRAME_HEADER_SIZE]);
        }
        self.out.extend_from_slice(data);
    }

    /// Closes the open frame: fills in its header, or drops the header if it is tiny.
    fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        let payload_start = start.saturating_add(FRAME_HEADER_SIZE);
        let len = self.out.len().saturating_sub(payload_start);
        if len >= FRAME_SIZE_MIN {
            let [a, b, c, d, e, f, g, h] = u64::try_from(len).unwrap_or(u64::MAX).to_le_bytes();
            if let Some(slot) = self.out.get_mut(start..payload_start) {
                slot.copy_from_slice(&[FRAME, a, b, c, d, e, f, g, h]);
            }
        } else if payload_start <= self.out.len() {
            self.out.drain(start..payload_start);
        }
    }

    /// CPython checks before saving each object whether the open frame is full.
    fn opcode_boundary(&mut self) {
        if let Some(start) = self.frame_start {
            let len = self
                .out
                .len()
                .saturating_sub(start.saturating_add(FRAME_HEADER_SIZE));
            if len >= FRAME_SIZE_TARGET {
                self.commit_frame();
            }
        }
    }

    fn memoize(&mut self) {
        self.write(&[MEMOIZE]);
        self.memo_len = self.memo_len.saturating_add(1);
    }

    /// Writes `BINGET`/`LONG_BINGET` for an already memoized object; false if the index
    /// does not fit (never in practice: that needs 2^32 memoized objects).
    fn write_get(&mut self, index: usize) -> bool {
        if let Ok(small) = u8::try_from(index) {
            self.write(&[BINGET, small]);
            true
        } else if let Ok(large) = u32::try_from(index) {
            let [a, b, c, d] = large.to_le_bytes();
            self.write(&[LONG_BINGET, a, b, c, d]);
            true
        } else {
            false
        }
    }

    fn save<'a>(&mut self, value: &'a Value, tasks: &mut Vec<Task<'a>>) {
        self.opcode_boundary();
        match value {
            Value::None => self.write(&[NONE]),
            Value::Bool(true) => self.write(&[NEWTRUE]),
            Value::Bool(false) => self.write(&[NEWFALSE]),
            Value::Int(i) => self.save_int(*i),
            Value::Float(x) => {
                let [a, b, c, d, e, f, g, h] = x.to_bits().to_be_bytes();
                self.write(&[BINFLOAT, a, b, c, d, e, f, g, h]);
            }
            Value::Str(s) => self.save_data(
                value,
                [SHORT_BINUNICODE, BINUNICODE, BINUNICODE8],
                s.as_bytes(),
            ),
            Value::Bytes(b) => self.save_data(value, [SHORT_BINBYTES, BINBYTES, BINBYTES8], b),
            Value::List(items) => {
                self.write(&[EMPTY_LIST]);
                self.memoize();
                match items.as_slice() {
                    [] => {}
                    [only] => {
                        tasks.push(Task::Op(APPEND));
                        tasks.push(Task::Save(only));
                    }
                    _ => {
                        for batch in items.chunks(BATCH_SIZE).rev() {
                            tasks.push(Task::Op(APPENDS));
                            tasks.extend(batch.iter().rev().map(Task::Save));
                            tasks.push(Task::Op(MARK));
                        }
                    }
                }
            }
            Value::Tuple(items) => {
                let closing = match items.len() {
                    0 => {
                        self.write(&[EMPTY_TUPLE]);
                        return;
                    }
                    1 => TUPLE1,
                    2 => TUPLE2,
                    3 => TUPLE3,
                    _ => TUPLE,
                };
                tasks.push(Task::Memoize);
                tasks.push(Task::Op(closing));
                tasks.extend(items.iter().rev().map(Task::Save));
                if closing == TUPLE {
                    tasks.push(Task::Op(MARK));
                }
            }
            Value::Dict(pairs) => {
                self.write(&[EMPTY_DICT]);
                self.memoize();
                match pairs.as_slice() {
                    [] => {}
                    [(key, item)] => {
                        tasks.push(Task::Op(SETITEM));
                        tasks.push(Task::Save(item));
                        tasks.push(Task::Save(key));
                    }
                    _ => {
                        // CPython's dict loop only stops after a batch that is not full,
                        // so a dict of 1000·k items ends with an empty MARK SETITEMS.
                        if pairs.len().is_multiple_of(BATCH_SIZE) {
                            tasks.push(Task::Op(SETITEMS));
                            tasks.push(Task::Op(MARK));
                        }
                        for batch in pairs.chunks(BATCH_SIZE).rev() {
                            tasks.push(Task::Op(SETITEMS));
                            for (key, item) in batch.iter().rev() {
                                tasks.push(Task::Save(item));
                                tasks.push(Task::Save(key));
                            }
                            tasks.push(Task::Op(MARK));
                        }
                    }
                }
            }
        }
    }

    fn save_int(&mut self, i: i128) {
        if let Ok(small) = u8::try_from(i) {
            self.write(&[BININT1, small]);
        } else if let Ok(medium) = u16::try_from(i) {
            let [a, b] = medium.to_le_bytes();
            self.write(&[BININT2, a, b]);
        } else if let Ok(word) = i32::try_from(i) {
            let [a, b, c, d] = word.to_le_bytes();
            self.write(&[BININT, a, b, c, d]);
        } else {
            let bytes = i.to_le_bytes();
            let len = minimal_len(&bytes);
            let mut op = [LONG1, 0];
            if let Some(count) = op.get_mut(1) {
                *count = u8::try_from(len).unwrap_or(16);
            }
            self.write(&op);
            self.write(bytes.get(..len).unwrap_or(&bytes));
        }
    }

    /// Writes a str or bytes object: a memo reference for a repeated singleton, else the
    /// short/4-byte/8-byte-length opcode, the data (outside frames if 64 KiB or more) and
    /// `MEMOIZE`.
    fn save_data(&mut self, value: &Value, ops: [u8; 3], data: &[u8]) {
        let slot = singleton_slot(value);
        if let Some(index) = slot.and_then(|s| self.singletons.get(s).copied().flatten())
            && self.write_get(index)
        {
            return;
        }
        let [short, medium, long] = ops;
        let mut header = Vec::with_capacity(9);
        if let Ok(len) = u8::try_from(data.len()) {
            header.extend_from_slice(&[short, len]);
        } else if let Ok(len) = u32::try_from(data.len()) {
            header.push(medium);
            header.extend_from_slice(&len.to_le_bytes());
        } else {
            header.push(long);
            header.extend_from_slice(&u64::try_from(data.len()).unwrap_or(u64::MAX).to_le_bytes());
        }
        if data.len() >= FRAME_SIZE_TARGET {
            self.commit_frame();
            self.out.extend_from_slice(&header);
            self.out.extend_from_slice(data);
        } else {
            self.write(&header);
            self.write(data);
        }
        let index = self.memo_len;
        self.memoize();
        if let Some(entry) = slot.and_then(|s| self.singletons.get_mut(s)) {
            *entry = Some(index);
        }
    }
}

/// Length of the shortest two's-complement little-endian encoding of `bytes` (at least 1).
fn minimal_len(bytes: &[u8; 16]) -> usize {
    let mut len = bytes.len();
    while len > 1 {
        let (Some(&top), Some(&next)) = (bytes.get(len - 1), bytes.get(len - 2)) else {
            break;
        };
        let redundant = (top == 0 && next & 0x80 == 0) || (top == 0xff && next & 0x80 != 0);
        if !redundant {
            break;
        }
        len -= 1;
    }
    len
}

// ---------------------------------------------------------------------------
// Reading: errors and limits
// ---------------------------------------------------------------------------

/// Why a pickle could not be read: the byte offset of the opcode at fault and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickleError {
    /// Offset in the input of the opcode (or missing data) that failed.
    pub offset: usize,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for PickleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pickle data at byte {}: {}", self.offset, self.message)
    }
}

impl core::error::Error for PickleError {}

fn error(offset: usize, message: impl Into<String>) -> PickleError {
    PickleError {
        offset,
        message: message.into(),
    }
}

/// Deepest container nesting accepted.
const MAX_DEPTH: usize = 1000;
/// Most memo entries accepted.
const MAX_MEMO: usize = 1_000_000;
/// Output budget (bytes, counting each value as `size_of::<Value>()` plus its data) that
/// every input gets regardless of its size.
const BASE_BUDGET: usize = 64 * 1024 * 1024;
/// Further output budget per input byte.
const BUDGET_PER_INPUT_BYTE: usize = 64;

// ---------------------------------------------------------------------------
// Reading: the object graph
// ---------------------------------------------------------------------------

/// The only callables a plain-data pickle needs: how protocol 2 spells bytes and bytearray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Callable {
    /// `_codecs.encode(str, encoding)`.
    Encode,
    /// `builtins.bytes(...)` / `builtins.bytearray(...)` (a bytearray reads as bytes).
    Bytes { bytearray: bool },
}

impl Callable {
    fn name(self) -> &'static str {
        match self {
            Self::Encode => "_codecs.encode",
            Self::Bytes { bytearray: false } => "builtins.bytes",
            Self::Bytes { bytearray: true } => "builtins.bytearray",
        }
    }
}

/// A Python object under construction; containers refer to other nodes by index.
enum Node {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<usize>),
    Tuple(Vec<usize>),
    Dict(Box<DictNode>),
    Callable(Callable),
}

/// A dict under construction (boxed to keep [`Node`] small).
struct DictNode {
    entries: Vec<(usize, usize)>,
    /// Key class (see [`KeyShape`]) → position in `entries`.
    index: BTreeMap<u32, usize>,
}

impl Node {
    fn type_name(&self) -> &'static str {
        match self {
            Self::None => "NoneType",
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::Float(_) => "float",
            Self::Str(_) => "str",
            Self::Bytes(_) => "bytes",
            Self::List(_) => "list",
            Self::Tuple(_) => "tuple",
            Self::Dict(_) => "dict",
            Self::Callable(_) => "function",
        }
    }
}

struct Slot {
    node: Node,
    /// Offset of the opcode that made the node.
    offset: usize,
    /// Interned key class, once the node has been used as (part of) a dict key.
    key: Option<u32>,
}

/// Python's key equality reduced to a totally ordered shape: two hashable objects are
/// equal dict keys exactly when their shapes are equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyShape {
    None,
    /// ints, bools and integral floats (so `1 == 1.0 == True`, `0 == -0.0`).
    Int(i128),
    /// Other floats, by bits.
    Float(u64),
    /// A NaN equals only itself (the same object), so its node index identifies it.
    NaN(usize),
    Str(String),
    Bytes(Vec<u8>),
    /// Key classes of the items.
    Tuple(Vec<u32>),
}

/// The int a float equals, if it is integral and within `i128`.
fn integral_float(x: f64) -> Option<i128> {
    // 2^127 as f64: the first float beyond i128.
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if x.is_finite() && (-LIMIT..LIMIT).contains(&x) {
        let i = x as i128;
        let back = i as f64;
        (back == x).then_some(i)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// Reading: the unpickler
// ---------------------------------------------------------------------------

/// Reads one pickle from `bytes`, like Python's `pickle.loads` (trailing bytes are ignored).
///
/// See the module documentation for what is accepted and refused.
pub fn loads(bytes: &[u8]) -> Result<Value, PickleError> {
    loads_prefix(bytes).map(|(value, _)| value)
}

/// Reads one pickle from the start of `bytes`, returning the value and the number of bytes
/// it took (up to and including `STOP`), like Python's `pickle.load(f)` on a file.
///
/// Django's file-based cache writes `pickle(expiry)` immediately followed by zlib data; the
/// consumed length says where the zlib data starts.
pub fn loads_prefix(bytes: &[u8]) -> Result<(Value, usize), PickleError> {
    let mut unpickler = Unpickler {
        data: bytes,
        pos: 0,
        op_offset: 0,
        arena: Vec::new(),
        stack: Vec::new(),
        marks: Vec::new(),
        memo: BTreeMap::new(),
        keys: BTreeMap::new(),
    };
    let root = unpickler.run()?;
    let stop_offset = unpickler.op_offset;
    let budget = BASE_BUDGET.saturating_add(bytes.len().saturating_mul(BUDGET_PER_INPUT_BYTE));
    let mut builder = Builder {
        arena: &unpickler.arena,
        on_path: alloc::vec![false; unpickler.arena.len()],
        budget,
        stop_offset,
    };
    let value = builder.build(root)?;
    Ok((value, unpickler.pos))
}

struct Unpickler<'a> {
    data: &'a [u8],
    /// Next byte to read.
    pos: usize,
    /// Offset of the opcode being executed.
    op_offset: usize,
    arena: Vec<Slot>,
    stack: Vec<usize>,
    /// Stack lengths at each `MARK`; the last one is the fence below which opcodes
    /// other than the mark-consuming ones cannot reach.
    marks: Vec<usize>,
    memo: BTreeMap<u64, usize>,
    keys: BTreeMap<KeyShape, u32>,
}

impl<'a> Unpickler<'a> {
    fn fail<T>(&self, message: impl Into<String>) -> Result<T, PickleError> {
        Err(error(self.op_offset, message))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], PickleError> {
        let data = self.data;
        let end = self.pos.checked_add(len);
        match end.and_then(|end| data.get(self.pos..end).map(|s| (end, s))) {
            Some((end, slice)) => {
                self.pos = end;
                Ok(slice)
            }
            None => self.fail("pickle data was truncated"),
        }
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], PickleError> {
        let slice = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    fn take_u8(&mut self) -> Result<u8, PickleError> {
        let [b] = self.take_array::<1>()?;
        Ok(b)
    }

    fn take_u32(&mut self) -> Result<u32, PickleError> {
        Ok(u32::from_le_bytes(self.take_array()?))
    }

    fn take_u64(&mut self) -> Result<u64, PickleError> {
        Ok(u64::from_le_bytes(self.take_array()?))
    }

    /// Reads `len` bytes announced by a length field, checking the length against the
    /// data before anything is allocated.
    fn take_len(&mut self, len: u64) -> Result<&'a [u8], PickleError> {
        let remaining = self.data.len().saturating_sub(self.pos);
        match usize::try_from(len) {
            Ok(len) if len <= remaining => self.take(len),
            _ => self.fail(format!(
                "pickle data was truncated (length {len} exceeds the {remaining} bytes left)"
            )),
        }
    }

    /// Reads a text argument up to (and consuming) the next newline.
    fn take_line(&mut self) -> Result<&'a [u8], PickleError> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        match rest.iter().position(|&b| b == b'\n') {
            Some(len) => {
                let line = self.take(len)?;
                self.take(1)?;
                Ok(line)
            }
            None => self.fail("pickle data was truncated (no end of line)"),
        }
    }

    fn take_text_line(&mut self) -> Result<&'a str, PickleError> {
        let line = self.take_line()?;
        match core::str::from_utf8(line) {
            Ok(text) => Ok(text),
            Err(_) => self.fail("text argument is not valid UTF-8"),
        }
    }

    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn new_node(&mut self, node: Node) -> usize {
        let id = self.arena.len();
        self.arena.push(Slot {
            node,
            offset: self.op_offset,
            key: None,
        });
        id
    }

    fn push(&mut self, node: Node) {
        let id = self.new_node(node);
        self.stack.push(id);
    }

    /// CPython's complaint when an opcode reaches below the top `MARK` or the bottom.
    fn underflow<T>(&self) -> Result<T, PickleError> {
        if self.marks.is_empty() {
            self.fail("unpickling stack underflow")
        } else {
            self.fail("unexpected MARK found")
        }
    }

    fn pop(&mut self) -> Result<usize, PickleError> {
        if self.stack.len() <= self.fence() {
            return self.underflow();
        }
        match self.stack.pop() {
            Some(id) => Ok(id),
            None => self.fail("unpickling stack underflow"),
        }
    }

    fn top(&self) -> Result<usize, PickleError> {
        if self.stack.len() <= self.fence() {
            return self.underflow();
        }
        match self.stack.last() {
            Some(&id) => Ok(id),
            None => self.fail("unpickling stack underflow"),
        }
    }

    /// Pops the last mark, returning the stack length it recorded.
    fn pop_mark(&mut self) -> Result<usize, PickleError> {
        match self.marks.pop() {
            Some(mark) if mark <= self.stack.len() => Ok(mark),
            _ => self.fail("could not find MARK"),
        }
    }

    /// Pops everything above the last mark, and the mark.
    fn pop_to_mark(&mut self) -> Result<Vec<usize>, PickleError> {
        let mark = self.pop_mark()?;
        Ok(self.stack.split_off(mark))
    }

    /// The container just below the last mark (which is popped), for `APPENDS`/`SETITEMS`,
    /// with the items above the mark.
    fn container_below_mark(&mut self) -> Result<(usize, Vec<usize>), PickleError> {
        let mark = self.pop_mark()?;
        if mark == 0 || mark <= self.fence() {
            return self.underflow();
        }
        let items = self.stack.split_off(mark);
        match self.stack.last() {
            Some(&container) => Ok((container, items)),
            None => self.fail("unpickling stack underflow"),
        }
    }

    fn node(&self, id: usize) -> Result<&Node, PickleError> {
        match self.arena.get(id) {
            Some(slot) => Ok(&slot.node),
            None => self.fail("internal error: dangling object reference"),
        }
    }

    fn memo_put(&mut self, index: u64) -> Result<(), PickleError> {
        let id = self.top()?;
        self.memo.insert(index, id);
        if self.memo.len() > MAX_MEMO {
            return self.fail(format!("more than {MAX_MEMO} memo entries"));
        }
        Ok(())
    }

    fn memo_get(&mut self, index: u64) -> Result<(), PickleError> {
        match self.memo.get(&index) {
            Some(&id) => {
                self.stack.push(id);
                Ok(())
            }
            None => self.fail(format!("memo value not found at index {index}")),
        }
    }

    fn append(&mut self, list: usize, items: Vec<usize>) -> Result<(), PickleError> {
        let name = self.node(list)?.type_name();
        match self.arena.get_mut(list).map(|slot| &mut slot.node) {
            Some(Node::List(existing)) => {
                existing.extend(items);
                Ok(())
            }
            _ => self.fail(format!("cannot append to a {name} (only lists)")),
        }
    }

    /// The interned key class of a node, computing and caching it (for tuples, of every
    /// tuple inside too, without recursion); errors for unhashable objects.
    fn key_class(&mut self, root: usize) -> Result<u32, PickleError> {
        // (node, its items already have classes)
        let mut work = alloc::vec![(root, false)];
        while let Some((id, items_done)) = work.pop() {
            let Some(slot) = self.arena.get(id) else {
                return self.fail("internal error: dangling object reference");
            };
            if slot.key.is_some() {
                continue;
            }
            let shape = match &slot.node {
                Node::None => KeyShape::None,
                Node::Bool(b) => KeyShape::Int(i128::from(*b)),
                Node::Int(i) => KeyShape::Int(*i),
                Node::Float(x) if x.is_nan() => KeyShape::NaN(id),
                Node::Float(x) => match integral_float(*x) {
                    Some(i) => KeyShape::Int(i),
                    None => KeyShape::Float(x.to_bits()),
                },
                Node::Str(s) => KeyShape::Str(s.clone()),
                Node::Bytes(b) => KeyShape::Bytes(b.clone()),
                Node::Tuple(items) if !items_done => {
                    work.push((id, true));
                    work.extend(items.iter().rev().map(|&item| (item, false)));
                    continue;
                }
                Node::Tuple(items) => {
                    let mut classes = Vec::with_capacity(items.len());
                    for &item in items {
                        match self.arena.get(item).and_then(|slot| slot.key) {
                            Some(class) => classes.push(class),
                            None => return self.fail("internal error: key item not classified"),
                        }
                    }
                    KeyShape::Tuple(classes)
                }
                other => {
                    let name = other.type_name();
                    return self.fail(format!("unhashable type: '{name}' used as a dict key"));
                }
            };
            let Ok(next) = u32::try_from(self.keys.len()) else {
                return self.fail("too many distinct dict keys");
            };
            let class = *self.keys.entry(shape).or_insert(next);
            if let Some(slot) = self.arena.get_mut(id) {
                slot.key = Some(class);
            }
        }
        match self.arena.get(root).and_then(|slot| slot.key) {
            Some(class) => Ok(class),
            None => self.fail("internal error: key not classified"),
        }
    }

    /// `dict[key] = value` with Python's key equality.
    fn set_items(&mut self, dict: usize, items: &[usize]) -> Result<(), PickleError> {
        let name = self.node(dict)?.type_name();
        if !matches!(self.node(dict)?, Node::Dict(_)) {
            return self.fail(format!("cannot set items on a {name} (only dicts)"));
        }
        if !items.len().is_multiple_of(2) {
            return self.fail("odd number of items for SETITEMS");
        }
        for pair in items.chunks_exact(2) {
            let [key, item] = [pair.first(), pair.get(1)];
            let (Some(&key), Some(&item)) = (key, item) else {
                return self.fail("odd number of items for SETITEMS");
            };
            let class = self.key_class(key)?;
            if let Some(Node::Dict(dict)) = self.arena.get_mut(dict).map(|slot| &mut slot.node) {
                let DictNode { entries, index } = &mut **dict;
                match index.get(&class).and_then(|&pos| entries.get_mut(pos)) {
                    Some(entry) => entry.1 = item,
                    None => {
                        index.insert(class, entries.len());
                        entries.push((key, item));
                    }
                }
            }
        }
        Ok(())
    }

    fn new_dict() -> Node {
        Node::Dict(Box::new(DictNode {
            entries: Vec::new(),
            index: BTreeMap::new(),
        }))
    }

    fn decode_str(&self, bytes: &[u8]) -> Result<Node, PickleError> {
        match core::str::from_utf8(bytes) {
            Ok(text) => Ok(Node::Str(String::from(text))),
            Err(_) => self.fail("str data is not valid UTF-8 (lone surrogates are not supported)"),
        }
    }

    fn decode_ascii(&self, bytes: &[u8]) -> Result<Node, PickleError> {
        if bytes.is_ascii() {
            self.decode_str(bytes)
        } else {
            self.fail("Python 2 str is not ASCII")
        }
    }

    fn decode_long(&self, bytes: &[u8]) -> Result<i128, PickleError> {
        let negative = bytes.last().is_some_and(|&b| b & 0x80 != 0);
        let fill = if negative { 0xff } else { 0 };
        let mut out = [fill; 16];
        for (i, &b) in bytes.iter().enumerate() {
            match out.get_mut(i) {
                Some(slot) => *slot = b,
                None if b == fill => {}
                None => return self.fail("integer does not fit in 128 bits"),
            }
        }
        let value = i128::from_le_bytes(out);
        // Bytes beyond 16 were sign fill; byte 15 must agree with the sign.
        if bytes.len() > 16 && (value < 0) != negative {
            return self.fail("integer does not fit in 128 bits");
        }
        Ok(value)
    }

    fn parse_int(&self, text: &str) -> Result<i128, PickleError> {
        match text.parse::<i128>() {
            Ok(i) => Ok(i),
            Err(e)
                if matches!(
                    e.kind(),
                    IntErrorKind::PosOverflow | IntErrorKind::NegOverflow
                ) =>
            {
                self.fail("integer does not fit in 128 bits")
            }
            Err(_) => self.fail(format!("invalid integer literal {text:?}")),
        }
    }

    fn global(&mut self, module: &str, name: &str) -> Result<(), PickleError> {
        let builtins = matches!(module, "builtins" | "__builtin__");
        let callable = match (module, name) {
            ("_codecs", "encode") => Callable::Encode,
            (_, "bytes") if builtins => Callable::Bytes { bytearray: false },
            (_, "bytearray") if builtins => Callable::Bytes { bytearray: true },
            (_, "set" | "frozenset") if builtins => {
                return self.fail(format!("sets are not supported ({module}.{name})"));
            }
            _ => {
                return self.fail(format!(
                    "cannot load {module}.{name}: only plain data values are supported"
                ));
            }
        };
        self.push(Node::Callable(callable));
        Ok(())
    }

    fn encode(&self, text: &str, encoding: &str) -> Result<Vec<u8>, PickleError> {
        let normalized = encoding.to_ascii_lowercase().replace(['-', ' '], "_");
        match normalized.as_str() {
            "latin1" | "latin_1" | "iso_8859_1" | "iso8859_1" | "l1" => {
                let mut out = Vec::with_capacity(text.len());
                for c in text.chars() {
                    match u8::try_from(u32::from(c)) {
                        Ok(b) => out.push(b),
                        Err(_) => {
                            return self.fail("str cannot be encoded as latin-1 for bytes");
                        }
                    }
                }
                Ok(out)
            }
            "utf8" | "utf_8" => Ok(Vec::from(text.as_bytes())),
            _ => self.fail(format!("unsupported encoding {encoding:?} for bytes")),
        }
    }

    /// `REDUCE` with one of the accepted callables.
    fn reduce(&mut self) -> Result<(), PickleError> {
        let args = self.pop()?;
        let callable = self.pop()?;
        let Node::Callable(function) = *self.node(callable)? else {
            let name = self.node(callable)?.type_name();
            return self.fail(format!("REDUCE needs a callable, not a {name}"));
        };
        let Node::Tuple(arg_ids) = self.node(args)? else {
            return self.fail("REDUCE arguments must be a tuple");
        };
        let args: Vec<&Node> = arg_ids
            .iter()
            .filter_map(|&id| self.arena.get(id).map(|slot| &slot.node))
            .collect();
        let name = function.name();
        let bytes = match (function, args.as_slice()) {
            (Callable::Encode, [Node::Str(text)]) => Vec::from(text.as_bytes()),
            (Callable::Encode, [Node::Str(text), Node::Str(encoding)])
            | (Callable::Bytes { .. }, [Node::Str(text), Node::Str(encoding)]) => {
                self.encode(text, encoding)?
            }
            (Callable::Bytes { .. }, []) => Vec::new(),
            (Callable::Bytes { .. }, [Node::Bytes(data)]) => data.clone(),
            (Callable::Bytes { .. }, [Node::List(items) | Node::Tuple(items)]) => {
                let mut out = Vec::with_capacity(items.len());
                for &item in items {
                    match self.node(item)? {
                        Node::Int(i) => match u8::try_from(*i) {
                            Ok(b) => out.push(b),
                            Err(_) => return self.fail("bytes must be in range(0, 256)"),
                        },
                        _ => return self.fail(format!("unsupported arguments for {name}")),
                    }
                }
                out
            }
            _ => return self.fail(format!("unsupported arguments for {name}")),
        };
        self.push(Node::Bytes(bytes));
        Ok(())
    }

    /// Executes opcodes until `STOP`; returns the node it pops.
    fn run(&mut self) -> Result<usize, PickleError> {
        if self.data.is_empty() {
            return self.fail("ran out of input");
        }
        loop {
            self.op_offset = self.pos;
            let op = self.take_u8()?;
            match op {
                PROTO => {
                    let proto = self.take_u8()?;
                    if proto > 5 {
                        return self.fail(format!("unsupported pickle protocol: {proto}"));
                    }
                }
                FRAME => {
                    let len = self.take_u64()?;
                    let remaining = self.data.len().saturating_sub(self.pos);
                    if !matches!(usize::try_from(len), Ok(len) if len <= remaining) {
                        return self.fail(format!(
                            "pickle data was truncated (frame of {len} bytes, {remaining} left)"
                        ));
                    }
                }
                STOP => return self.pop(),
                MARK => self.marks.push(self.stack.len()),
                POP => {
                    if self.marks.last() == Some(&self.stack.len()) {
                        self.marks.pop();
                    } else {
                        self.pop()?;
                    }
                }
                POP_MARK => {
                    self.pop_to_mark()?;
                }
                DUP => {
                    let id = self.top()?;
                    self.stack.push(id);
                }
                NONE => self.push(Node::None),
                NEWTRUE => self.push(Node::Bool(true)),
                NEWFALSE => self.push(Node::Bool(false)),
                INT => {
                    let text = self.take_text_line()?;
                    let node = match text {
                        "00" => Node::Bool(false),
                        "01" => Node::Bool(true),
                        _ => Node::Int(self.parse_int(text)?),
                    };
                    self.push(node);
                }
                LONG => {
                    let text = self.take_text_line()?;
                    let digits = text.strip_suffix('L').unwrap_or(text);
                    let i = self.parse_int(digits)?;
                    self.push(Node::Int(i));
                }
                FLOAT => {
                    let text = self.take_text_line()?;
                    match text.trim().parse::<f64>() {
                        Ok(x) => self.push(Node::Float(x)),
                        Err(_) => return self.fail(format!("invalid float literal {text:?}")),
                    }
                }
                BININT => {
                    let i = i32::from_le_bytes(self.take_array()?);
                    self.push(Node::Int(i128::from(i)));
                }
                BININT1 => {
                    let i = self.take_u8()?;
                    self.push(Node::Int(i128::from(i)));
                }
                BININT2 => {
                    let i = u16::from_le_bytes(self.take_array()?);
                    self.push(Node::Int(i128::from(i)));
                }
                LONG1 | LONG4 => {
                    let len = if op == LONG1 {
                        i64::from(self.take_u8()?)
                    } else {
                        i64::from(i32::from_le_bytes(self.take_array()?))
                    };
                    let Ok(len) = u64::try_from(len) else {
                        return self.fail("LONG pickle has negative byte count");
                    };
                    let bytes = self.take_len(len)?;
                    let i = self.decode_long(bytes)?;
                    self.push(Node::Int(i));
                }
                BINFLOAT => {
                    let x = f64::from_bits(u64::from_be_bytes(self.take_array()?));
                    self.push(Node::Float(x));
                }
                SHORT_BINUNICODE | BINUNICODE | BINUNICODE8 => {
                    let len = match op {
                        SHORT_BINUNICODE => u64::from(self.take_u8()?),
                        BINUNICODE => u64::from(self.take_u32()?),
                        _ => self.take_u64()?,
                    };
                    let bytes = self.take_len(len)?;
                    let node = self.decode_str(bytes)?;
                    self.push(node);
                }
                SHORT_BINBYTES | BINBYTES | BINBYTES8 | BYTEARRAY8 => {
                    let len = match op {
                        SHORT_BINBYTES => u64::from(self.take_u8()?),
                        BINBYTES => u64::from(self.take_u32()?),
                        _ => self.take_u64()?,
                    };
                    let bytes = self.take_len(len)?;
                    self.push(Node::Bytes(Vec::from(bytes)));
                }
                SHORT_BINSTRING | BINSTRING => {
                    let len = if op == SHORT_BINSTRING {
                        i64::from(self.take_u8()?)
                    } else {
                        i64::from(i32::from_le_bytes(self.take_array()?))
                    };
                    let Ok(len) = u64::try_from(len) else {
                        return self.fail("BINSTRING pickle has negative byte count");
                    };
                    let bytes = self.take_len(len)?;
                    let node = self.decode_ascii(bytes)?;
                    self.push(node);
                }
                EMPTY_LIST => self.push(Node::List(Vec::new())),
                EMPTY_TUPLE => self.push(Node::Tuple(Vec::new())),
                EMPTY_DICT => self.push(Self::new_dict()),
                APPEND => {
                    let item = self.pop()?;
                    let list = self.top()?;
                    self.append(list, alloc::vec![item])?;
                }
                APPENDS => {
                    let (list, items) = self.container_below_mark()?;
                    self.append(list, items)?;
                }
                SETITEM => {
                    let item = self.pop()?;
                    let key = self.pop()?;
                    let dict = self.top()?;
                    self.set_items(dict, &[key, item])?;
                }
                SETITEMS => {
                    let (dict, items) = self.container_below_mark()?;
                    self.set_items(dict, &items)?;
                }
                TUPLE1 | TUPLE2 | TUPLE3 => {
                    let count = match op {
                        TUPLE1 => 1,
                        TUPLE2 => 2,
                        _ => 3,
                    };
                    let start = self.stack.len().checked_sub(count);
                    match start {
                        Some(start) if start >= self.fence() => {
                            let items = self.stack.split_off(start);
                            self.push(Node::Tuple(items));
                        }
                        _ => return self.underflow(),
                    }
                }
                TUPLE => {
                    let items = self.pop_to_mark()?;
                    self.push(Node::Tuple(items));
                }
                LIST => {
                    let items = self.pop_to_mark()?;
                    self.push(Node::List(items));
                }
                DICT => {
                    let items = self.pop_to_mark()?;
                    if !items.len().is_multiple_of(2) {
                        return self.fail("odd number of items for DICT");
                    }
                    self.push(Self::new_dict());
                    let dict = self.top()?;
                    self.set_items(dict, &items)?;
                }
                MEMOIZE => {
                    let index = u64::try_from(self.memo.len()).unwrap_or(u64::MAX);
                    self.memo_put(index)?;
                }
                PUT => {
                    let text = self.take_text_line()?;
                    match text.parse::<u64>() {
                        Ok(index) => self.memo_put(index)?,
                        Err(_) if text.starts_with('-') => {
                            return self.fail("negative PUT argument");
                        }
                        Err(_) => return self.fail(format!("invalid PUT argument {text:?}")),
                    }
                }
                BINPUT => {
                    let index = self.take_u8()?;
                    self.memo_put(u64::from(index))?;
                }
                LONG_BINPUT => {
                    let index = self.take_u32()?;
                    self.memo_put(u64::from(index))?;
                }
                GET => {
                    let text = self.take_text_line()?;
                    match text.parse::<u64>() {
                        Ok(index) => self.memo_get(index)?,
                        Err(_) => return self.fail(format!("invalid GET argument {text:?}")),
                    }
                }
                BINGET => {
                    let index = self.take_u8()?;
                    self.memo_get(u64::from(index))?;
                }
                LONG_BINGET => {
                    let index = self.take_u32()?;
                    self.memo_get(u64::from(index))?;
                }
                EMPTY_SET | ADDITEMS | FROZENSET => {
                    return self.fail("sets are not supported");
                }
                GLOBAL => {
                    let module = self.take_text_line()?;
                    let name = self.take_text_line()?;
                    self.global(module, name)?;
                }
                STACK_GLOBAL => {
                    let name = self.pop()?;
                    let module = self.pop()?;
                    let (Node::Str(module), Node::Str(name)) =
                        (self.node(module)?, self.node(name)?)
                    else {
                        return self.fail("STACK_GLOBAL requires str module and name");
                    };
                    let (module, name) = (module.clone(), name.clone());
                    self.global(&module, &name)?;
                }
                REDUCE => self.reduce()?,
                _ => {
                    return match opcode_name(op) {
                        Some(name) => self.fail(format!(
                            "opcode {name} (0x{op:02x}) is not supported: \
                             only plain data values are supported"
                        )),
                        None => self.fail(format!("unknown opcode 0x{op:02x}")),
                    };
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Reading: graph → Value
// ---------------------------------------------------------------------------

struct Builder<'a> {
    arena: &'a [Slot],
    /// Containers being built on the current path (a hit means a cycle).
    on_path: Vec<bool>,
    /// Output bytes still allowed.
    budget: usize,
    stop_offset: usize,
}

/// What a container under construction is made of.
#[derive(Clone, Copy)]
enum Children<'a> {
    List(&'a [usize]),
    Tuple(&'a [usize]),
    /// Keys and values alternate.
    Dict(&'a [(usize, usize)]),
}

impl Children<'_> {
    fn len(self) -> usize {
        match self {
            Self::List(items) | Self::Tuple(items) => items.len(),
            Self::Dict(pairs) => pairs.len().saturating_mul(2),
        }
    }

    fn get(self, index: usize) -> Option<usize> {
        match self {
            Self::List(items) | Self::Tuple(items) => items.get(index).copied(),
            Self::Dict(pairs) => pairs
                .get(index / 2)
                .map(|&(key, item)| if index.is_multiple_of(2) { key } else { item }),
        }
    }
}

/// A container being filled, on the builder's explicit stack.
struct Frame<'a> {
    id: usize,
    children: Children<'a>,
    values: Vec<Value>,
}

impl Frame<'_> {
    fn finish(self) -> Value {
        match self.children {
            Children::List(_) => Value::List(self.values),
            Children::Tuple(_) => Value::Tuple(self.values),
            Children::Dict(_) => {
                let mut pairs = Vec::with_capacity(self.values.len() / 2);
                let mut values = self.values.into_iter();
                while let (Some(key), Some(item)) = (values.next(), values.next()) {
                    pairs.push((key, item));
                }
                Value::Dict(pairs)
            }
        }
    }
}

/// A node either is a value at once or starts a container.
enum Start<'a> {
    Value(Value),
    Container(Frame<'a>),
}

impl<'a> Builder<'a> {
    fn spend(&mut self, data_len: usize) -> Result<(), PickleError> {
        let cost = core::mem::size_of::<Value>().saturating_add(data_len);
        match self.budget.checked_sub(cost) {
            Some(rest) => {
                self.budget = rest;
                Ok(())
            }
            None => Err(error(
                self.stop_offset,
                "value too large: shared references expand it beyond the size limit",
            )),
        }
    }

    /// Copies the graph below `root` into a `Value` tree, without recursion.
    fn build(&mut self, root: usize) -> Result<Value, PickleError> {
        let mut frames: Vec<Frame<'a>> = Vec::new();
        let mut next = root;
        loop {
            let mut value = match self.start(next, frames.len())? {
                Start::Value(value) => value,
                Start::Container(frame) => match frame.children.get(0) {
                    Some(first) => {
                        frames.push(frame);
                        next = first;
                        continue;
                    }
                    None => {
                        self.leave(frame.id);
                        frame.finish()
                    }
                },
            };
            // Hand the finished value up until some container still has children to build.
            loop {
                let Some(frame) = frames.last_mut() else {
                    return Ok(value);
                };
                frame.values.push(value);
                if let Some(child) = frame.children.get(frame.values.len()) {
                    next = child;
                    break;
                }
                let Some(done) = frames.pop() else {
                    return Err(error(self.stop_offset, "internal error: builder stack"));
                };
                self.leave(done.id);
                value = done.finish();
            }
        }
    }

    fn start(&mut self, id: usize, depth: usize) -> Result<Start<'a>, PickleError> {
        let arena = self.arena;
        let Some(slot) = arena.get(id) else {
            return Err(error(
                self.stop_offset,
                "internal error: dangling reference",
            ));
        };
        let data_len = match &slot.node {
            Node::Str(s) => s.len(),
            Node::Bytes(b) => b.len(),
            _ => 0,
        };
        self.spend(data_len)?;
        let children = match &slot.node {
            Node::None => return Ok(Start::Value(Value::None)),
            Node::Bool(b) => return Ok(Start::Value(Value::Bool(*b))),
            Node::Int(i) => return Ok(Start::Value(Value::Int(*i))),
            Node::Float(x) => return Ok(Start::Value(Value::Float(*x))),
            Node::Str(s) => return Ok(Start::Value(Value::Str(s.clone()))),
            Node::Bytes(b) => return Ok(Start::Value(Value::Bytes(b.clone()))),
            Node::Callable(callable) => {
                return Err(error(
                    slot.offset,
                    format!(
                        "cannot load {}: only plain data values are supported",
                        callable.name()
                    ),
                ));
            }
            Node::List(items) => Children::List(items),
            Node::Tuple(items) => Children::Tuple(items),
            Node::Dict(dict) => Children::Dict(&dict.entries),
        };
        if depth >= MAX_DEPTH {
            return Err(error(
                slot.offset,
                format!("containers nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        match self.on_path.get_mut(id) {
            Some(flag) if *flag => {
                return Err(error(
                    slot.offset,
                    "recursive structure (a container inside itself) is not supported",
                ));
            }
            Some(flag) => *flag = true,
            None => return Err(error(slot.offset, "internal error: dangling reference")),
        }
        Ok(Start::Container(Frame {
            id,
            children,
            values: Vec::with_capacity(children.len()),
        }))
    }

    fn leave(&mut self, id: usize) {
        if let Some(flag) = self.on_path.get_mut(id) {
            *flag = false;
        }
    }
}

#[cfg(test)]
mod tests;
