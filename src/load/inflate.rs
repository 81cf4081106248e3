//! gzip (RFC 1952) and DEFLATE (RFC 1951) decoding, enough to read the running
//! kernel's `/proc/config.gz`: stored, fixed-Huffman and dynamic-Huffman blocks,
//! concatenated members, the CRC-32 and length trailer checked. Pure; every
//! length and distance is checked against the input and the output so far, and
//! the output is capped.

use crate::error::Error;

/// Output cap: a kernel config is ~300 KiB; anything past this is not one.
const MAX_OUT: usize = 64 << 20;

fn bad(what: &'static str) -> Error {
    Error::WrongFormat(what)
}

/// Little-endian bit reader over a byte slice (DEFLATE's bit order).
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u64,
    cnt: u32,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8]) -> Self {
        Bits {
            data,
            pos: 0,
            buf: 0,
            cnt: 0,
        }
    }

    /// The next `n` (≤ 32) bits, first bit lowest.
    fn take(&mut self, n: u32) -> Result<u32, Error> {
        while self.cnt < n {
            let b = *self
                .data
                .get(self.pos)
                .ok_or(bad("deflate data cut short"))?;
            self.pos += 1;
            self.buf |= u64::from(b) << self.cnt;
            self.cnt += 8;
        }
        let v = (self.buf & ((1u64 << n) - 1)) as u32;
        self.buf >>= n;
        self.cnt -= n;
        Ok(v)
    }

    /// Drops the bits left of the current byte; the position of the next byte.
    fn align(&mut self) -> usize {
        let whole = (self.cnt / 8) as usize;
        self.buf = 0;
        self.cnt = 0;
        self.pos -= whole;
        self.pos
    }
}

/// A canonical Huffman code: how many codes of each length, and the symbols in
/// code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    /// The code of code lengths `lens` (0 = unused symbol). An over-subscribed
    /// set is refused; an incomplete one is allowed (it only fails on use).
    fn new(lens: &[u8]) -> Result<Huffman, Error> {
        let mut counts = [0u16; 16];
        for &l in lens {
            counts[usize::from(l & 15)] += 1;
        }
        let mut left: i32 = 1;
        for &c in &counts[1..] {
            left = left * 2 - i32::from(c);
            if left < 0 {
                return Err(bad("over-subscribed Huffman code"));
            }
        }
        let mut offs = [0u16; 16];
        for len in 1..15 {
            offs[len + 1] = offs[len] + counts[len];
        }
        let mut symbols = vec![0u16; lens.len()];
        for (sym, &l) in lens.iter().enumerate() {
            if l != 0 {
                let o = &mut offs[usize::from(l & 15)];
                symbols[usize::from(*o)] = sym as u16;
                *o += 1;
            }
        }
        counts[0] = 0;
        Ok(Huffman { counts, symbols })
    }

    /// The next symbol, read bit by bit (codes are stored bit-reversed).
    fn decode(&self, bits: &mut Bits<'_>) -> Result<u16, Error> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for &count in &self.counts[1..] {
            code |= bits.take(1)? as i32;
            let count = i32::from(count);
            if code - first < count {
                let i = (index + code - first) as usize;
                return self.symbols.get(i).copied().ok_or(bad("bad Huffman code"));
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(bad("invalid Huffman code"))
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order code-length code lengths are sent in.
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Decodes one compressed block's symbols into `out`, up to end-of-block.
fn codes(
    bits: &mut Bits<'_>,
    out: &mut Vec<u8>,
    lit: &Huffman,
    dist: &Huffman,
) -> Result<(), Error> {
    loop {
        let sym = usize::from(lit.decode(bits)?);
        if sym < 256 {
            out.push(sym as u8);
        } else if sym == 256 {
            return Ok(());
        } else {
            let i = sym - 257;
            let (&base, &extra) = LEN_BASE
                .get(i)
                .zip(LEN_EXTRA.get(i))
                .ok_or(bad("bad length code"))?;
            let len = usize::from(base) + bits.take(u32::from(extra))? as usize;
            let d = usize::from(dist.decode(bits)?);
            let (&base, &extra) = DIST_BASE
                .get(d)
                .zip(DIST_EXTRA.get(d))
                .ok_or(bad("bad distance code"))?;
            let back = usize::from(base) + bits.take(u32::from(extra))? as usize;
            if back > out.len() {
                return Err(bad("distance before the start of the output"));
            }
            let from = out.len() - back;
            for k in 0..len {
                out.push(out[from + k]);
            }
        }
        if out.len() > MAX_OUT {
            return Err(Error::TooBig("inflated data too large"));
        }
    }
}

/// The two codes of a dynamic block, read from its header.
fn dynamic_codes(bits: &mut Bits<'_>) -> Result<(Huffman, Huffman), Error> {
    let nlen = bits.take(5)? as usize + 257;
    let ndist = bits.take(5)? as usize + 1;
    let ncode = bits.take(4)? as usize + 4;
    if nlen > 286 || ndist > 30 {
        return Err(bad("too many length or distance codes"));
    }
    let mut cl = [0u8; 19];
    for &i in &CL_ORDER[..ncode] {
        cl[i] = bits.take(3)? as u8;
    }
    let clh = Huffman::new(&cl)?;
    let mut lens = vec![0u8; nlen + ndist];
    let mut i = 0;
    while i < lens.len() {
        let sym = clh.decode(bits)?;
        let (v, n) = match sym {
            0..=15 => (sym as u8, 1),
            16 if i > 0 => (lens[i - 1], 3 + bits.take(2)? as usize),
            16 => return Err(bad("repeat with no previous length")),
            17 => (0, 3 + bits.take(3)? as usize),
            _ => (0, 11 + bits.take(7)? as usize),
        };
        if i + n > lens.len() {
            return Err(bad("code lengths overrun"));
        }
        lens[i..i + n].fill(v);
        i += n;
    }
    if lens[256] == 0 {
        return Err(bad("no end-of-block code"));
    }
    Ok((Huffman::new(&lens[..nlen])?, Huffman::new(&lens[nlen..])?))
}

/// The fixed codes of RFC 1951 §3.2.6.
fn fixed_codes() -> Result<(Huffman, Huffman), Error> {
    let mut lens = [0u8; 288];
    lens[..144].fill(8);
    lens[144..256].fill(9);
    lens[256..280].fill(7);
    lens[280..].fill(8);
    Ok((Huffman::new(&lens)?, Huffman::new(&[5; 30])?))
}

/// Inflates the raw DEFLATE stream at the start of `data`; returns the output
/// and how many input bytes the stream took.
pub fn inflate(data: &[u8]) -> Result<(Vec<u8>, usize), Error> {
    let mut bits = Bits::new(data);
    let mut out = Vec::with_capacity(data.len() * 4);
    loop {
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => {
                let p = bits.align();
                let hdr = data.get(p..p + 4).ok_or(bad("stored block cut short"))?;
                let len = usize::from(u16::from_le_bytes([hdr[0], hdr[1]]));
                let nlen = u16::from_le_bytes([hdr[2], hdr[3]]);
                if nlen != !(len as u16) {
                    return Err(bad("stored block length check failed"));
                }
                let body = data
                    .get(p + 4..p + 4 + len)
                    .ok_or(bad("stored block cut short"))?;
                out.extend_from_slice(body);
                bits.pos = p + 4 + len;
            }
            1 => {
                let (lit, dist) = fixed_codes()?;
                codes(&mut bits, &mut out, &lit, &dist)?;
            }
            2 => {
                let (lit, dist) = dynamic_codes(&mut bits)?;
                codes(&mut bits, &mut out, &lit, &dist)?;
            }
            _ => return Err(bad("invalid deflate block type")),
        }
        if out.len() > MAX_OUT {
            return Err(Error::TooBig("inflated data too large"));
        }
        if last {
            let end = bits.align();
            return Ok((out, end));
        }
    }
}

/// CRC-32 (IEEE, reflected), as gzip's trailer holds it.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    !data.iter().fold(!0u32, |c, &b| {
        TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

/// True when `data` starts with the gzip magic.
pub fn is_gzip(data: &[u8]) -> bool {
    data.starts_with(&[0x1f, 0x8b])
}

/// Decompresses gzip `data` (one member or several concatenated).
pub fn gunzip(data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut rest = data;
    loop {
        let (member, used) = gunzip_member(rest)?;
        out.extend_from_slice(&member);
        rest = &rest[used..];
        if !is_gzip(rest) {
            return Ok(out);
        }
    }
}

/// One gzip member: its output and length.
fn gunzip_member(data: &[u8]) -> Result<(Vec<u8>, usize), Error> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    let hdr = data.get(..10).ok_or(bad("gzip header cut short"))?;
    if !is_gzip(hdr) || hdr[2] != 8 || hdr[3] & 0xe0 != 0 {
        return Err(bad("not a gzip deflate member"));
    }
    let flags = hdr[3];
    let mut p = 10;
    if flags & FEXTRA != 0 {
        let x = data.get(p..p + 2).ok_or(bad("gzip header cut short"))?;
        p += 2 + usize::from(u16::from_le_bytes([x[0], x[1]]));
    }
    for f in [FNAME, FCOMMENT] {
        if flags & f != 0 {
            let s = data.get(p..).ok_or(bad("gzip header cut short"))?;
            p += s
                .iter()
                .position(|&b| b == 0)
                .ok_or(bad("gzip header cut short"))?
                + 1;
        }
    }
    if flags & FHCRC != 0 {
        p += 2;
    }
    let body = data.get(p..).ok_or(bad("gzip header cut short"))?;
    let (out, used) = inflate(body)?;
    let t = body
        .get(used..used + 8)
        .ok_or(bad("gzip trailer cut short"))?;
    let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
    let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
    if crc != crc32(&out) || size != out.len() as u32 {
        return Err(bad("gzip CRC or length check failed"));
    }
    Ok((out, p + used + 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Sixty `CONFIG_OPTION_<i>=y|m` lines (the text of the dynamic vector).
    fn options() -> Vec<u8> {
        (0..60)
            .flat_map(|i| {
                format!("CONFIG_OPTION_{i}={}\n", if i % 3 != 0 { 'y' } else { 'm' }).into_bytes()
            })
            .collect()
    }

    #[test]
    fn stored_fixed_and_dynamic_blocks() {
        // gzip, level 0: one stored block.
        let gz = hex("1f8b0800000000000403010b00f4ff434f4e4649475f413d790a8eb180da0b000000");
        assert_eq!(gunzip(&gz).unwrap(), b"CONFIG_A=y\n");
        // Raw deflate, fixed Huffman codes.
        let fixed = hex("73f6f773f3748ff788b2353235e07286f1e2813cdb4a2e00");
        let (out, used) = inflate(&fixed).unwrap();
        assert_eq!(
            (out.as_slice(), used),
            (&b"CONFIG_HZ=250\nCONFIG_HZ_250=y\n"[..], fixed.len())
        );
        // Raw deflate, dynamic Huffman codes with back-references.
        let dynamic = hex(concat!(
            "6dd23d0ac2601006e1ded3e4db9fc414568262632cec3d8107f0f662a98fedb22f0cc31cb7eb",
            "e9727e6cb7fb65bb3ea6c37377fcba8cc3ebe7125c9255f1d35c66560b3f7b2eab84134f43ea11",
            "0ed32fc1473b9cfd927dec1daeda943e06c3507a481fe550ef217d2c0e551fd2a7c1a4eef34f32",
            "3693ba4fe9d36c52f7297d5a4ee9bea42fcb29dd97f46539a5fb92be2ca774dfd2b7e5b4ee5bfa",
            "b69cd67d4bdf96d3baef0ffd1b"
        ));
        let (out, _) = inflate(&dynamic).unwrap();
        assert_eq!(out, options());
        assert_eq!(crc32(&out), 47_799_696);
    }

    #[test]
    fn members_and_damage() {
        let gz = hex("1f8b0800000000000403010b00f4ff434f4e4649475f413d790a8eb180da0b000000");
        let two = [gz.clone(), gz.clone()].concat();
        assert_eq!(gunzip(&two).unwrap(), b"CONFIG_A=y\nCONFIG_A=y\n");
        // Every truncation fails cleanly.
        for n in 0..gz.len() {
            assert!(gunzip(&gz[..n]).is_err(), "cut at {n}");
        }
        let mut bad_crc = gz.clone();
        bad_crc[gz.len() - 8] ^= 1;
        assert!(gunzip(&bad_crc).is_err());
        let mut bad_body = gz.clone();
        bad_body[20] ^= 0x20;
        assert!(gunzip(&bad_body).is_err(), "the CRC catches a changed byte");
        assert!(gunzip(b"CONFIG_A=y\n").is_err());
        // Random garbage as deflate data never panics.
        let mut x: u32 = 12345;
        for _ in 0..2000 {
            let junk: Vec<u8> = (0..64)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect();
            let _ = inflate(&junk);
        }
    }

    #[test]
    fn the_running_kernels_config_if_readable() {
        // Compared with gzip(1) when both are there; nothing to compare otherwise.
        let Ok(gz) = std::fs::read("/proc/config.gz") else {
            return;
        };
        let Ok(z) = std::process::Command::new("gzip")
            .args(["-dc", "/proc/config.gz"])
            .output()
        else {
            return;
        };
        assert_eq!(gunzip(&gz).unwrap(), z.stdout);
    }
}
