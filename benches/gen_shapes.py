"""Ring and chain shapes of issue 12: `python3 gen_shapes.py ring|chain N OUT`.

N clauses, half in referential A and half in B. ring: A:i equals B:i,
B:i equals A:i+1, closing on A:0. chain: A:i subset-of B:i subset-of A:i+1.
A:0 requires a `doc`, so one inventory item carries over the whole shape.
"""
import sys


def shape(kind, n, path):
    k = n // 2
    if kind == 'ring':
        links = [l for i in range(k) for l in (f'A:{i} equals B:{i}', f'B:{i} equals A:{(i + 1) % k}')]
    else:
        links = [l for i in range(k) for l in (f'A:{i} subset-of B:{i}', f'B:{i} subset-of A:{i + 1}')][:-1]
    with open(path, 'w') as f:
        f.write('evidence doc "Doc" {\n  field topic: text\n}\n')
        for r in 'AB':
            f.write(f'referential {r} "{r}" {{\n')
            for i in range(k):
                extra = '\n    requires evidence doc' if (r == 'A' and i == 0) else ''
                f.write(f'  clause {i} "c{i}" {{{extra}\n  }}\n')
            f.write('}\n')
        f.write(f'mapping "{kind}" {{\n')
        for link in links:
            f.write(f'  {link} {{\n    rationale semantic\n    note "n"\n  }}\n')
        f.write('}\n')


if __name__ == '__main__':
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind not in ('ring', 'chain'):
        sys.exit('usage: gen_shapes.py ring|chain N OUT')
    shape(kind, n, path)
