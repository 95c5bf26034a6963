//! Seeded identifiers: branch ids, tags, Call-IDs and cnonces come from here so that a test
//! with a fixed seed sees exactly the same messages every run.

/// xorshift64*: tiny, fast and good enough for protocol identifiers (they must be unique, not
/// secret; the seed should come from the platform's CSPRNG in production).
#[derive(Debug, Clone)]
pub struct Rng(u64);

const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl Rng {
    /// A generator from `seed` (zero is remapped: xorshift would stay at zero forever).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A random token of `len` alphanumeric characters.
    pub fn token(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(ALPHABET[(self.next_u64() % ALPHABET.len() as u64) as usize]))
            .collect()
    }

    /// A Via branch with the RFC 3261 magic cookie.
    pub fn branch(&mut self) -> String {
        format!("z9hG4bK{}", self.token(16))
    }

    /// A uniform value in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_tokens() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.token(10), b.token(10));
        assert!(a.branch().starts_with("z9hG4bK"));
        assert_ne!(Rng::new(8).token(10), Rng::new(7).token(10));
    }
}
