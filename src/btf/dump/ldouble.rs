//! `printf("%Lf")` of an x86-64 `long double` (the x87 80-bit extended
//! format in the low 10 of its 16 bytes), as glibc prints it: every digit
//! exact, 6 after the point, the last rounded to nearest with ties to even.
//!
//! libbpf 1.1.2 prints a 16-byte FLOAT of typed data with `%Lf`
//! (`btf_dump_float_data`); going through `f64` would lose 11 bits of
//! mantissa and the range past 1e308.
//!
//! Encodings glibc's `isnan` (the x87's own test) takes for NaN print
//! `nan`: a NaN, a pseudo-infinity or pseudo-NaN (exponent all ones, integer
//! bit clear) and an unnormal (exponent neither zero nor all ones, integer
//! bit clear). A pseudo-denormal (exponent zero, integer bit set) is the
//! value its bits say, as for a denormal. The sign prints for NaN, infinity
//! and zero too (`-nan`, `-inf`, `-0.000000`).

/// The exponent bias plus the 63 mantissa bits after the integer bit:
/// a finite value is `mantissa * 2^(max(exponent, 1) - UNIT_EXP)`.
const UNIT_EXP: i32 = 16383 + 63;
/// Digits after the point, and 10 to that power.
const PREC: usize = 6;
const SCALE: u128 = 1_000_000;
/// The largest power of ten in a limb, and its digits.
const LIMB_TEN: u32 = 1_000_000_000;
const LIMB_DIGITS: usize = 9;

/// The `%Lf` text of the `long double` in `b` (little-endian).
pub(super) fn format_x87(b: &[u8; 16]) -> String {
    let mant = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    let se = u16::from_le_bytes([b[8], b[9]]);
    let sign = if se & 0x8000 != 0 { "-" } else { "" };
    let exp = i32::from(se & 0x7fff);
    let integer_bit = mant >> 63 != 0;
    if exp == 0x7fff {
        let inf = mant == 1 << 63;
        return format!("{sign}{}", if inf { "inf" } else { "nan" });
    }
    if exp != 0 && !integer_bit {
        return format!("{sign}nan");
    }
    let e = exp.max(1) - UNIT_EXP;
    if e >= 0 {
        format!("{sign}{}.{:0PREC$}", shifted_decimal(mant, e as u32), 0)
    } else {
        let q = scaled_rounded(mant, e.unsigned_abs());
        format!("{sign}{}.{:0PREC$}", q / SCALE, q % SCALE)
    }
}

/// `mant * 10^PREC / 2^k` rounded to nearest, ties to even.
fn scaled_rounded(mant: u64, k: u32) -> u128 {
    // Below 2^84: when k passes 85, less than half of 2^k, so 0.
    let x = u128::from(mant) * SCALE;
    if k > 85 {
        return 0;
    }
    let q = x >> k;
    let rem = x & ((1u128 << k) - 1);
    let half = 1u128 << (k - 1);
    if rem > half || (rem == half && q & 1 == 1) {
        q + 1
    } else {
        q
    }
}

/// The decimal digits of `mant * 2^e`.
fn shifted_decimal(mant: u64, e: u32) -> String {
    if e < 64 {
        return (u128::from(mant) << e).to_string();
    }
    // Little-endian 32-bit limbs of mant << e.
    let (whole, bits) = ((e / 32) as usize, e % 32);
    let wide = u128::from(mant) << bits;
    let mut limbs = vec![0u32; whole];
    limbs.extend((0..3).map(|i| (wide >> (32 * i)) as u32));
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
    // Base-10^9 digits, least significant first, by long division.
    let mut chunks = Vec::new();
    while !limbs.is_empty() {
        let mut rem = 0u64;
        for l in limbs.iter_mut().rev() {
            let cur = rem << 32 | u64::from(*l);
            *l = (cur / u64::from(LIMB_TEN)) as u32;
            rem = cur % u64::from(LIMB_TEN);
        }
        chunks.push(rem as u32);
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
    }
    let mut s = String::with_capacity(chunks.len() * LIMB_DIGITS);
    if let Some((top, rest)) = chunks.split_last() {
        s.push_str(&top.to_string());
        for c in rest.iter().rev() {
            s.push_str(&format!("{c:0LIMB_DIGITS$}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::format_x87;

    /// The x87 bytes of a finite or infinite `f64` (exact: the extended
    /// format holds every double).
    fn x87_of(v: f64) -> [u8; 16] {
        let bits = v.to_bits();
        let sign = (bits >> 63) as u16;
        let exp = (bits >> 52 & 0x7ff) as i32;
        let frac = bits & ((1 << 52) - 1);
        let (mant, e) = match exp {
            0 if frac == 0 => (0, 0),
            0 => {
                // Denormal double: normal as an extended value.
                let shift = frac.leading_zeros();
                (frac << shift, 1 - 1023 - 52 + 63 - shift as i32 + 16383)
            }
            0x7ff => (1 << 63 | frac << 11, 0x7fff),
            _ => (1 << 63 | frac << 11, exp - 1023 + 16383),
        };
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&mant.to_le_bytes());
        b[8..10].copy_from_slice(&(sign << 15 | e as u16).to_le_bytes());
        b
    }

    /// Rust prints a double's exact decimal expansion, rounded half to even,
    /// as glibc does: every double must print alike through the x87 path.
    #[test]
    fn doubles_print_as_rust_prints_them() {
        let mut vals = vec![
            0.0,
            1.0 / 3.0,
            2f64.powi(70) + 2f64.powi(18),
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            0.0078125,
            0.0234375,
            0.5e-6,
            1.5e-6,
            123_456_789.123_456_78,
            1e22,
            2f64.powi(64) * 3.0,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            if v.is_finite() {
                vals.push(v);
            }
            // Small magnitudes too, where rounding happens.
            vals.push((x >> 11) as f64 / 2f64.powi((x % 90) as i32));
        }
        for v in vals {
            for v in [v, -v] {
                let want = format!("{v:.6}");
                assert_eq!(format_x87(&x87_of(v)), want, "{v:e}");
            }
        }
    }

    #[test]
    fn specials() {
        let enc = |mant: u64, se: u16| {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&mant.to_le_bytes());
            b[8..10].copy_from_slice(&se.to_le_bytes());
            format_x87(&b)
        };
        assert_eq!(enc(1 << 63, 0x7fff), "inf");
        assert_eq!(enc(1 << 63, 0xffff), "-inf");
        assert_eq!(enc(3 << 62, 0xffff), "-nan");
        // Pseudo-infinity, unnormal: NaN to the x87.
        assert_eq!(enc(0, 0x7fff), "nan");
        assert_eq!(enc(1 << 62, 0x4000), "nan");
        assert_eq!(enc(0, 0x8000), "-0.000000");
        // 2^63 + 1 needs 64 bits: a double would print ...808.
        assert_eq!(enc(1 << 63 | 1, 16383 + 63), "9223372036854775809.000000");
    }
}
