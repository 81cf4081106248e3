//! `.BTF.ext` on byte fixtures: sub-sections, blocks, records, header errors.

use super::*;

/// A sub-section: rec_size then blocks of (name_off, records as words).
pub(super) fn ext_sub(rec_size: u32, blocks: &[(u32, &[&[u32]])]) -> Vec<u8> {
    let mut v = rec_size.to_ne_bytes().to_vec();
    for (name, recs) in blocks {
        v.extend(name.to_ne_bytes());
        v.extend((recs.len() as u32).to_ne_bytes());
        for r in *recs {
            for w in *r {
                v.extend(w.to_ne_bytes());
            }
        }
    }
    v
}

/// A `.BTF.ext` with the given sub-sections laid out back to back.
pub(super) fn ext_blob(hdr_len: u32, subs: &[&[u8]]) -> Vec<u8> {
    let mut hdr = BTF_MAGIC.to_ne_bytes().to_vec();
    hdr.extend([1, 0]);
    hdr.extend(hdr_len.to_ne_bytes());
    let mut body = Vec::new();
    for s in subs {
        hdr.extend((body.len() as u32).to_ne_bytes());
        hdr.extend((s.len() as u32).to_ne_bytes());
        body.extend_from_slice(s);
    }
    hdr.resize(hdr_len as usize, 0);
    hdr.extend(body);
    hdr
}

pub(super) fn ext_btf() -> (Btf, u32, u32) {
    let mut b = small();
    let text = b.add_str(".text");
    let tc = b.add_str("tc");
    (b.build().unwrap(), text, tc)
}

#[test]
fn ext_parse_and_query() {
    let (btf, text, tc) = ext_btf();
    let func = ext_sub(8, &[(text, &[&[0, 7], &[64, 8]]), (tc, &[&[0, 9]])]);
    let line = ext_sub(
        16,
        &[(tc, &[&[0, 1, 2, 10 << 10 | 5], &[8, 1, 2, 11 << 10]])],
    );
    let core = ext_sub(20, &[(tc, &[&[16, 4, 3, 0, 0xdead]])]);
    let blob = ext_blob(32, &[&func, &line, &core]);
    let ext = BtfExt::parse(&blob, &btf).unwrap();
    let f = ext.func_info(".text").unwrap();
    assert_eq!((f.sec(), f.rec_size(), f.len()), (".text", 8, 2));
    let fi: Vec<_> = f.func_infos().collect();
    assert_eq!(
        fi,
        [
            FuncInfo {
                insn_off: 0,
                type_id: 7
            },
            FuncInfo {
                insn_off: 64,
                type_id: 8
            }
        ]
    );
    assert_eq!(
        ext.func_info("tc")
            .unwrap()
            .func_infos()
            .next()
            .unwrap()
            .type_id,
        9
    );
    assert!(ext.func_info("xdp").is_none());
    let l = ext.line_info("tc").unwrap();
    let li: Vec<_> = l.line_infos().collect();
    assert_eq!((li[0].line(), li[0].col(), li[1].insn_off), (10, 5, 8));
    assert!(ext.line_info(".text").is_none());
    let c = ext.core_relos("tc").unwrap();
    assert_eq!(c.rec_size(), 20, "larger records pass through");
    assert_eq!(c.record(0).unwrap().len(), 20);
    assert!(c.record(1).is_none());
    assert_eq!(
        c.core_relos().next().unwrap(),
        CoreRelo {
            insn_off: 16,
            type_id: 4,
            access_str_off: 3,
            kind: 0
        }
    );
    assert!(ext.has_core_relos());
    assert_eq!(ext.func_info_blocks().count(), 2);
    assert_eq!(ext.raw_data(), &blob[..]);
    assert_eq!(
        (
            ext.func_info_rec_size(),
            ext.line_info_rec_size(),
            ext.core_relo_rec_size()
        ),
        (8, 16, 20)
    );
    // A 24-byte header has no CO-RE part; empty sub-sections are fine.
    let ext = BtfExt::parse(&ext_blob(24, &[&func, &[]]), &btf).unwrap();
    assert!(!ext.has_core_relos() && ext.core_relos("tc").is_none());
    assert!(ext.line_info("tc").is_none());
}

#[test]
fn ext_errors() {
    let (btf, text, _) = ext_btf();
    let func = ext_sub(8, &[(text, &[&[0, 1]])]);
    let good = ext_blob(32, &[&func, &[], &[]]);
    assert!(BtfExt::parse(&good, &btf).is_ok());
    let fmt = |b: &[u8]| errno(BtfExt::parse(b, &btf));
    assert_eq!(fmt(&good[..7]), FORMAT);
    let mut b = good.clone();
    b[1] = 0;
    assert_eq!(fmt(&b), FORMAT, "bad magic");
    let mut b = good.clone();
    b[..2].copy_from_slice(&BTF_MAGIC.swap_bytes().to_ne_bytes());
    assert_eq!(fmt(&b), libc::EOPNOTSUPP, "opposite endian");
    let mut b = good.clone();
    b[2] = 2;
    assert_eq!(fmt(&b), libc::EOPNOTSUPP, "version");
    let mut b = good.clone();
    b[3] = 1;
    assert_eq!(fmt(&b), libc::EOPNOTSUPP, "flags");
    assert_eq!(fmt(&good[..32]), FORMAT, "header only");
    let mut b = good.clone();
    header(&mut b, 4, 1000);
    assert_eq!(fmt(&b), FORMAT, "hdr_len past the end");
    let mut b = good.clone();
    header(&mut b, 4, 20);
    assert_eq!(fmt(&b), FORMAT, "hdr_len < 24");
    let mut b = good.clone();
    header(&mut b, 8, 2);
    assert_eq!(fmt(&b), FORMAT, "misaligned");
    let mut b = good.clone();
    header(&mut b, 8, u32::MAX - 3);
    assert_eq!(fmt(&b), FORMAT, "offset past the end");
    let mut b = good.clone();
    header(&mut b, 12, u32::MAX);
    assert_eq!(fmt(&b), FORMAT, "length past the end");
    let mut b = good.clone();
    header(&mut b, 12, 2);
    assert_eq!(fmt(&b), FORMAT, "no record size");
    let mut b = good.clone();
    header(&mut b, 12, 4);
    assert_eq!(fmt(&b), FORMAT, "no records");
    let mut b = good.clone();
    header(&mut b, 12, 8);
    assert_eq!(fmt(&b), FORMAT, "truncated block header");
    for rs in [4u32, 10] {
        let bad = ext_blob(32, &[&ext_sub(rs, &[(text, &[&[0, 1, 2]])])]);
        assert_eq!(fmt(&bad), FORMAT, "rec_size {rs}");
    }
    let bad = ext_blob(32, &[&ext_sub(8, &[(text, &[])])]);
    assert_eq!(fmt(&bad), FORMAT, "num_info 0");
    let mut bad = ext_blob(32, &[&ext_sub(8, &[(text, &[&[0, 1]])])]);
    header(&mut bad, 32 + 8, 2); // num_info 2 with one record
    assert_eq!(fmt(&bad), FORMAT, "num_info too big");
    let mut bad = ext_blob(32, &[&ext_sub(8, &[(text, &[&[0, 1]])])]);
    header(&mut bad, 32 + 8, u32::MAX);
    assert_eq!(fmt(&bad), FORMAT, "num_info overflow");
    let bad = ext_blob(32, &[&ext_sub(8, &[(9999, &[&[0, 1]])])]);
    assert_eq!(fmt(&bad), FORMAT, "section name offset");
    // line_info and core_relo minimums are 16.
    let bad = ext_blob(32, &[&[], &ext_sub(8, &[(text, &[&[0, 1]])])]);
    assert_eq!(fmt(&bad), FORMAT);
    let bad = ext_blob(32, &[&[], &[], &ext_sub(12, &[(text, &[&[0, 1, 2]])])]);
    assert_eq!(fmt(&bad), FORMAT);
    // …but a 28-byte header ignores the core_relo fields entirely.
    let mut ok = ext_blob(28, &[&func, &[]]);
    ok.truncate(ok.len());
    assert!(BtfExt::parse(&ok, &btf).is_ok());
}

#[test]
fn ext_records_in_sorted_and_unsorted() {
    let (btf, text, tc) = ext_btf();
    let recs: &[&[u32]] = &[&[0, 1], &[8, 2], &[8, 3], &[24, 4], &[40, 5]];
    let unsorted: &[&[u32]] = &[&[24, 4], &[0, 1], &[40, 5], &[8, 2], &[8, 3]];
    let func = ext_sub(8, &[(text, recs), (tc, unsorted)]);
    let blob = ext_blob(24, &[&func, &[]]);
    let ext = BtfExt::parse(&blob, &btf).unwrap();
    let ids = |sec: &str, lo, hi| -> Vec<u32> {
        let b = ext.func_info(sec).unwrap();
        b.records_in(lo, hi)
            .map(|r| FuncInfo::from_record(r).type_id)
            .collect()
    };
    assert_eq!(ids(".text", 8, 40), [2, 3, 4]);
    assert_eq!(ids(".text", 0, 8), [1]);
    assert_eq!(ids(".text", 48, 64), [] as [u32; 0]);
    // The whole block, and a range at its end.
    assert_eq!(ids(".text", 0, 48), [1, 2, 3, 4, 5]);
    assert_eq!(ids(".text", 40, 41), [5]);
    assert_eq!(ids("tc", 8, 40), [4, 2, 3]);
    assert_eq!(ids("tc", 0, u64::MAX), [4, 1, 5, 2, 3]);
}
