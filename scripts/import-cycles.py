#!/usr/bin/env python3
"""List the import cycles between files of src/ (a file naming `crate::a::b` or `super::x`
depends on that module's file). Prints each cycle; exits 1 when there is one."""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith(".rs") and "/bin" not in d:
            p = os.path.relpath(os.path.join(d, f), root)
            files[p] = open(os.path.join(d, f)).read()

def module_of(path):
    parts = path[:-3].split("/")
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts

mods = {tuple(module_of(p)): p for p in files}

def resolve(parts):
    # the longest prefix that is a file
    for n in range(len(parts), 0, -1):
        if tuple(parts[:n]) in mods:
            return mods[tuple(parts[:n])]
    return None

graph = {p: set() for p in files}
for p, text in files.items():
    # drop test modules: cycles through tests do not count
    text = re.split(r"#\[cfg\(test\)\]\s*mod tests", text)[0]
    # comments name modules without depending on them
    text = re.sub(r"//.*", "", text)
    me = module_of(p)
    for m in re.finditer(r"\b(crate|super)((?:::\w+)+)", text):
        segs = m.group(2).strip(":").split("::")
        if m.group(1) == "crate":
            base = []
        else:
            base = me[:-1] if not p.endswith("mod.rs") else me[:-1]
            while segs and segs[0] == "super":
                base = base[:-1]
                segs = segs[1:]
        target = resolve(base + segs)
        if target and target != p:
            # a parent module file (mod.rs) is only a dependency for what it defines itself
            graph[p].add(target)

# Tarjan SCC
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1:
            sccs.append(sorted(comp))
for v in graph:
    if v not in index:
        strong(v)
for c in sccs:
    print("cycle:", " ↔ ".join(c))
sys.exit(1 if sccs else 0)
