import sys, os
def ring(n, path):
    # n clauses total: A:0..n/2-1, B:0..n/2-1; A:i equals B:i, B:i equals A:i+1, closing on A:0
    k = n // 2
    with open(path, 'w') as f:
        f.write('evidence doc "Doc" {\n  field topic: text\n}\n')
        for r in 'AB':
            f.write(f'referential {r} "{r}" {{\n')
            for i in range(k):
                extra = '\n    requires evidence doc' if (r == 'A' and i == 0) else ''
                f.write(f'  clause {i} "c{i}" {{{extra}\n  }}\n')
            f.write('}\n')
        f.write('mapping "ring" {\n')
        for i in range(k):
            f.write(f'  A:{i} equals B:{i} {{\n    rationale semantic\n    note "n"\n  }}\n')
            f.write(f'  B:{i} equals A:{(i+1)%k} {{\n    rationale semantic\n    note "n"\n  }}\n')
        f.write('}\n')
def chain(n, path):
    # subset-of chain alternating A and B
    with open(path, 'w') as f:
        f.write('evidence doc "Doc" {\n  field topic: text\n}\n')
        k = n // 2
        for r in 'AB':
            f.write(f'referential {r} "{r}" {{\n')
            for i in range(k):
                extra = '\n    requires evidence doc' if (r == 'A' and i == 0) else ''
                f.write(f'  clause {i} "c{i}" {{{extra}\n  }}\n')
            f.write('}\n')
        f.write('mapping "chain" {\n')
        for i in range(k):
            f.write(f'  A:{i} subset-of B:{i} {{\n    rationale semantic\n    note "n"\n  }}\n')
            if i + 1 < k:
                f.write(f'  B:{i} subset-of A:{i+1} {{\n    rationale semantic\n    note "n"\n  }}\n')
        f.write('}\n')
kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
{'ring': ring, 'chain': chain}[kind](n, path)
