//! mulberry32: the small seeded generator of the synthetic data (the
//! browser benchmark's generator is the same), shared by gen.rs and sim.rs.
#![allow(dead_code)] // each includer uses part of it

pub struct Rng(u32);

impl Rng {
    pub fn new(seed: u32) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
    /// Roughly standard normal (sum of four uniforms, rescaled).
    pub fn normal(&mut self) -> f64 {
        let s: f64 = (0..4).map(|_| self.next()).sum();
        (s - 2.0) * 3f64.sqrt()
    }
}
