# Python twin of libs/ml/src/core/random.ts and drift/__fixtures__/samples.ts: the same seeded streams,
# using only IEEE basic operations so both languages produce bit-identical samples.
M = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M


class Random:
    def __init__(self, seed):
        x = seed & M
        out = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M
            z = x
            z = imul(z ^ (z >> 16), 0x85EBCA6B)
            z = imul(z ^ (z >> 13), 0xC2B2AE35)
            out.append((z ^ (z >> 16)) & M)
        self.s = out

    def next_uint32(self):
        s0, s1, s2, s3 = self.s
        result = imul(rotl(imul(s1, 5), 7), 9)
        t = (s1 << 9) & M
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def next_float(self):
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def next_int(self, n):
        limit = 0x100000000 - (0x100000000 % n)
        while True:
            r = self.next_uint32()
            if r < limit:
                return r % n


def sample(spec):
    r = Random(spec['seed'])
    kind, n = spec['kind'], spec['n']
    loc, scale = spec.get('loc', 0.0), spec.get('scale', 1.0)
    out = []
    for _ in range(n):
        if kind == 'uniform':
            v = loc + scale * r.next_float()
        elif kind == 'normal':
            u1 = r.next_float()
            u2 = r.next_float()
            u3 = r.next_float()
            u4 = r.next_float()
            v = loc + scale * (u1 + u2 + u3 + u4 - 2)
        elif kind == 'skew':
            u = r.next_float()
            v = loc + scale * (u * u * u * u)
        elif kind == 'pareto':
            v = loc + scale / (r.next_float() + 0.05)
        elif kind == 'int':
            v = float(loc + r.next_int(spec['k']))
        else:
            raise ValueError(kind)
        out.append(v)
    return out
