package synth

import (
	"math"
	"math/rand/v2"
)

// sampler draws indices with fixed integer weights. Integer weights and
// Uint64N keep the draw the same on every platform, which sums of floats
// would not promise.
type sampler struct {
	cum []uint64 // cum[i] is the sum of the weights of 0..i
	ids []int32  // what each index stands for
}

func newSampler(ids []int32, weight func(i int) uint64) sampler {
	s := sampler{cum: make([]uint64, len(ids)), ids: ids}
	var sum uint64
	for i := range ids {
		sum += max(weight(i), 1)
		s.cum[i] = sum
	}
	return s
}

// pick draws one id.
func (s sampler) pick(r *rand.Rand) int32 {
	x := r.Uint64N(s.cum[len(s.cum)-1])
	lo, hi := 0, len(s.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if s.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return s.ids[lo]
}

// Zipf-like weights of k, a prominence rank (1 is the most prominent),
// which callers offset by two to keep the very top from taking a third of
// the world. math.Sqrt is correctly rounded everywhere, so these integers
// are the same on every platform.
const weightScale = 1 << 52

// zipf15 is about k^-1.5: the skew of senders, where a few states run most
// of the world's missions.
func zipf15(k int) uint64 {
	return weightScale / uint64(math.Sqrt(float64(uint64(k)*uint64(k)*uint64(k)<<20)))
}

// zipf125 is about k^-1.25: hosts are skewed too, a little less.
func zipf125(k int) uint64 {
	q := uint64(math.Sqrt(math.Sqrt(float64(uint64(k) << 40))))
	return weightScale / (uint64(k) * q)
}

// zipf1 is about 1/k, for territories and organisations.
func zipf1(k int) uint64 { return weightScale / uint64(k) >> 10 }
