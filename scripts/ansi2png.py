#!/usr/bin/env python3
"""Render a `tmux capture-pane -e -p` dump (text + SGR escapes) into a PNG.

Usage: scripts/ansi2png.py INPUT OUTPUT [--cols N] [--rows N] [--size PX]

- SGR: reset, bold, dim, italic, underline, reverse, hidden, strike; 16, 256 and
  truecolor foreground/background (`;` or `:` separated); other escapes are dropped.
- Wide characters (east_asian_width W/F) take two cells; combining marks join the
  previous cell.
- Box drawing (U+2500-257F), block elements (U+2580-259F) and braille (U+2800-28FF)
  are drawn as shapes so lines join and bars fill the whole cell.
- Fonts: DejaVu Sans Mono (regular/bold/oblique), fallback to DejaVu Sans and
  Noto Sans CJK for glyphs the mono font lacks; Noto Color Emoji for wide emoji
  (each optional: fonts-dejavu-core, fonts-noto-cjk, fonts-noto-color-emoji).
Needs Pillow.
"""
import argparse
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

BG = (24, 25, 33)
FG = (208, 208, 208)
# 16 base colours (a dark theme close to common terminal defaults).
BASE16 = [
    (40, 42, 54), (222, 78, 78), (80, 200, 120), (229, 192, 83),
    (82, 139, 255), (198, 120, 221), (70, 200, 210), (200, 200, 200),
    (110, 112, 130), (255, 110, 110), (120, 230, 150), (250, 220, 110),
    (120, 170, 255), (225, 150, 245), (110, 230, 240), (255, 255, 255),
]

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu/", "/usr/share/fonts/opentype/noto/",
             "/usr/share/fonts/truetype/noto/"]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def load_font(names, size, index=0):
    for d in FONT_DIRS:
        for n in names:
            try:
                return ImageFont.truetype(d + n, size, index=index)
            except OSError:
                continue
    return None


class Style:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "under", "rev", "hidden", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.under = False
        self.rev = self.hidden = self.strike = False

    def copy(self):
        s = Style()
        for k in self.__slots__:
            setattr(s, k, getattr(self, k))
        return s


def apply_sgr(st, params):
    """Apply one SGR parameter string (e.g. '1;38;5;208') to the style."""
    if params == "":
        st.reset()
        return
    # Split into parameters; a parameter may carry ':' sub-parameters.
    items = [p.split(":") for p in params.split(";")]
    i = 0
    while i < len(items):
        sub = items[i]
        try:
            code = int(sub[0] or 0)
        except ValueError:
            i += 1
            continue
        if code in (38, 48, 58):
            color = None
            if len(sub) > 1:  # colon form: 38:5:n or 38:2::r:g:b / 38:2:r:g:b
                vals = [int(v) if v else 0 for v in sub[1:]]
                if vals and vals[0] == 5 and len(vals) >= 2:
                    color = xterm256(vals[1] & 255)
                elif vals and vals[0] == 2 and len(vals) >= 4:
                    rgb = vals[-3:]
                    color = tuple(v & 255 for v in rgb)
            else:
                rest = [int(x[0] or 0) if x[0].isdigit() or x[0] == "" else 0 for x in items[i + 1:]]
                if rest and rest[0] == 5 and len(rest) >= 2:
                    color = xterm256(rest[1] & 255)
                    i += 2
                elif rest and rest[0] == 2 and len(rest) >= 4:
                    color = tuple(v & 255 for v in rest[1:4])
                    i += 4
            if code == 38:
                st.fg = color
            elif code == 48:
                st.bg = color
        elif code == 0:
            st.reset()
        elif code == 1:
            st.bold = True
        elif code == 2:
            st.dim = True
        elif code == 3:
            st.italic = True
        elif code == 4:
            st.under = not (len(sub) > 1 and sub[1] == "0")
        elif code == 7:
            st.rev = True
        elif code == 8:
            st.hidden = True
        elif code == 9:
            st.strike = True
        elif code == 21:
            st.under = True
        elif code == 22:
            st.bold = st.dim = False
        elif code == 23:
            st.italic = False
        elif code == 24:
            st.under = False
        elif code == 27:
            st.rev = False
        elif code == 28:
            st.hidden = False
        elif code == 29:
            st.strike = False
        elif 30 <= code <= 37:
            st.fg = BASE16[code - 30]
        elif code == 39:
            st.fg = None
        elif 40 <= code <= 47:
            st.bg = BASE16[code - 40]
        elif code == 49:
            st.bg = None
        elif 90 <= code <= 97:
            st.fg = BASE16[code - 90 + 8]
        elif 100 <= code <= 107:
            st.bg = BASE16[code - 100 + 8]
        i += 1


ESC_RE = re.compile(
    r"\x1b\[([0-9;:?<>=]*)([@-~])"          # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC (hyperlinks...)
    r"|\x1b[P^_][^\x1b]*\x1b\\"           # DCS/PM/APC
    r"|\x1b[@-Z\\-_]"                     # other 2-byte escapes
)


def char_width(ch):
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufe0e\ufe0f":
        return 0
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def parse(text):
    """Return a list of rows; each row a list of cells (text, Style, width) or None (wide tail)."""
    rows = []
    st = Style()
    for line in text.split("\n"):
        row = []
        pos = 0
        for m in ESC_RE.finditer(line + "\x1b[Z"):  # sentinel escape to flush the tail
            chunk = line[pos:m.start()] if m.start() <= len(line) else line[pos:]
            for ch in chunk:
                if ch == "\r" or (ord(ch) < 32 and ch != "\t"):
                    continue
                if ch == "\t":
                    for _ in range(8 - len(row) % 8):
                        row.append([" ", st.copy(), 1])
                    continue
                w = char_width(ch)
                if w == 0:
                    if row:
                        last = row[-1] if row[-1] is not None else row[-2]
                        last[0] += ch
                    continue
                row.append([ch, st.copy(), w])
                if w == 2:
                    row.append(None)
            pos = m.end()
            if m.group(2) == "m":
                apply_sgr(st, m.group(1))
        rows.append(row)
    # capture-pane ends with a newline: drop the empty last row.
    if rows and not rows[-1]:
        rows.pop()
    return rows


class Renderer:
    def __init__(self, size):
        self.reg = load_font(["DejaVuSansMono.ttf"], size)
        if self.reg is None:
            sys.exit("ansi2png: DejaVu Sans Mono not found (apt-get install fonts-dejavu-core)")
        self.bold = load_font(["DejaVuSansMono-Bold.ttf"], size) or self.reg
        self.ital = load_font(["DejaVuSansMono-Oblique.ttf"], size) or self.reg
        self.bital = load_font(["DejaVuSansMono-BoldOblique.ttf"], size) or self.bold
        # CJK glyphs are 1 em wide: size them to fill their two cells, as terminals do.
        cjk = max(size, round(self.reg.getlength("M") * 2) - 2)
        self.fallbacks = [f for f in (
            load_font(["DejaVuSans.ttf"], size),
            load_font(["NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf"], cjk, index=2),
            load_font(["NotoSansMono-Regular.ttf"], size),
            load_font(["NotoSansSymbols2-Regular.ttf"], size),
        ) if f is not None]
        self.emoji = load_font(["NotoColorEmoji.ttf"], 109)  # bitmap font: one size only
        self._emoji_cache = {}
        asc, desc = self.reg.getmetrics()
        self.cw = round(self.reg.getlength("M"))
        self.ch = asc + desc + 2
        self.base = 1  # top padding inside a cell
        self._have = {}
        self._notdef = {}

    def _bitmap(self, font, ch):
        size = font.size * 3
        color = font is self.emoji
        im = Image.new("RGBA" if color else "L", (size, size))
        ImageDraw.Draw(im).text((size // 4, 0), ch, font=font, fill=255 if not color else None,
                                embedded_color=color)
        return im.tobytes()

    def emoji_image(self, text, w, h):
        """The colour emoji for text scaled into a w x h box, or None."""
        if self.emoji is None or not self.has_glyph(self.emoji, text[0]):
            return None
        key = (text, w, h)
        if key not in self._emoji_cache:
            size = int(self.emoji.getlength(text)) + 8
            im = Image.new("RGBA", (size, size))
            ImageDraw.Draw(im).text((4, 0), text, font=self.emoji, embedded_color=True)
            im = im.crop(im.getbbox() or (0, 0, 1, 1))
            scale = min(w / im.width, h / im.height)
            self._emoji_cache[key] = im.resize(
                (max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.LANCZOS)
        return self._emoji_cache[key]

    def has_glyph(self, font, ch):
        """True if font has a glyph for ch (its drawing differs from the missing-glyph box)."""
        key = (id(font), ch)
        if key not in self._have:
            if id(font) not in self._notdef:
                self._notdef[id(font)] = self._bitmap(font, "\U0010fffd")
            self._have[key] = ch.isspace() or self._bitmap(font, ch) != self._notdef[id(font)]
        return self._have[key]

    def font_for(self, text, st):
        f = self.reg
        if st.bold and st.italic:
            f = self.bital
        elif st.bold:
            f = self.bold
        elif st.italic:
            f = self.ital
        ch = text[0]
        if self.has_glyph(f, ch):
            return f
        for fb in self.fallbacks:
            if self.has_glyph(fb, ch):
                return fb
        return f

    # --- shapes -------------------------------------------------------------------
    def draw_special(self, d, x, y, w, ch, color):
        """Draw box drawing / block / braille characters. Return True if handled."""
        o = ord(ch)
        cw, chh = w, self.ch
        if 0x2500 <= o <= 0x257F:
            return self.draw_box(d, x, y, cw, chh, o, color)
        if 0x2580 <= o <= 0x259F:
            return self.draw_block(d, x, y, cw, chh, o, color)
        if 0x2800 <= o <= 0x28FF:
            bits = o - 0x2800
            dots = [(0, 0, 0), (0, 1, 1), (0, 2, 2), (1, 0, 3), (1, 1, 4), (1, 2, 5), (0, 3, 6), (1, 3, 7)]
            r = max(1, cw // 5)
            for cx, cy, bit in dots:
                if bits & (1 << bit):
                    px = x + (cx * 2 + 1) * cw / 4
                    py = y + (cy * 2 + 1) * chh / 8
                    d.ellipse([px - r, py - r, px + r, py + r], fill=color)
            return True
        return False

    def draw_block(self, d, x, y, w, h, o, color):
        if 0x2581 <= o <= 0x2588:  # lower eighths
            n = o - 0x2580
            top = y + h - round(h * n / 8)
            d.rectangle([x, top, x + w - 1, y + h - 1], fill=color)
        elif o == 0x2580:  # upper half
            d.rectangle([x, y, x + w - 1, y + h // 2 - 1], fill=color)
        elif 0x2589 <= o <= 0x258F:  # left eighths
            n = 8 - (o - 0x2588)
            d.rectangle([x, y, x + max(1, round(w * n / 8)) - 1, y + h - 1], fill=color)
        elif o == 0x2590:  # right half
            d.rectangle([x + w // 2, y, x + w - 1, y + h - 1], fill=color)
        elif o in (0x2591, 0x2592, 0x2593):  # shades
            alpha = {0x2591: 0.25, 0x2592: 0.5, 0x2593: 0.75}[o]
            return ("shade", alpha)
        elif o == 0x2594:
            d.rectangle([x, y, x + w - 1, y + max(1, h // 8) - 1], fill=color)
        elif o == 0x2595:
            d.rectangle([x + w - max(1, w // 8), y, x + w - 1, y + h - 1], fill=color)
        else:  # quadrants
            quads = {0x2596: "3", 0x2597: "4", 0x2598: "1", 0x2599: "134", 0x259A: "14",
                     0x259B: "123", 0x259C: "124", 0x259D: "2", 0x259E: "23", 0x259F: "234"}
            hw, hh = w // 2, h // 2
            for q in quads.get(o, ""):
                qx = x if q in "13" else x + hw
                qy = y if q in "12" else y + hh
                d.rectangle([qx, qy, qx + (hw if q in "13" else w - hw) - 1,
                             qy + (hh if q in "12" else h - hh) - 1], fill=color)
        return True

    # Each box char: weights of (up, right, down, left): 0 none, 1 light, 2 heavy, 3 double.
    BOX = {}

    @classmethod
    def _init_box(cls):
        if cls.BOX:
            return
        L, H, D = 1, 2, 3
        t = {
            0x2500: (0, L, 0, L), 0x2501: (0, H, 0, H), 0x2502: (L, 0, L, 0), 0x2503: (H, 0, H, 0),
            0x250C: (0, L, L, 0), 0x250F: (0, H, H, 0), 0x2510: (0, 0, L, L), 0x2513: (0, 0, H, H),
            0x2514: (L, L, 0, 0), 0x2517: (H, H, 0, 0), 0x2518: (L, 0, 0, L), 0x251B: (H, 0, 0, H),
            0x251C: (L, L, L, 0), 0x2523: (H, H, H, 0), 0x2524: (L, 0, L, L), 0x252B: (H, 0, H, H),
            0x252C: (0, L, L, L), 0x2533: (0, H, H, H), 0x2534: (L, L, 0, L), 0x253B: (H, H, 0, H),
            0x253C: (L, L, L, L), 0x254B: (H, H, H, H),
            0x2550: (0, D, 0, D), 0x2551: (D, 0, D, 0), 0x2554: (0, D, D, 0), 0x2557: (0, 0, D, D),
            0x255A: (D, D, 0, 0), 0x255D: (D, 0, 0, D), 0x2560: (D, D, D, 0), 0x2563: (D, 0, D, D),
            0x2566: (0, D, D, D), 0x2569: (D, D, 0, D), 0x256C: (D, D, D, D),
            0x2574: (0, 0, 0, L), 0x2575: (L, 0, 0, 0), 0x2576: (0, L, 0, 0), 0x2577: (0, 0, L, 0),
            0x2578: (0, 0, 0, H), 0x2579: (H, 0, 0, 0), 0x257A: (0, H, 0, 0), 0x257B: (0, 0, H, 0),
        }
        cls.BOX.update(t)

    def draw_box(self, d, x, y, w, h, o, color):
        self._init_box()
        lw = max(1, round(w / 9))
        cx = x + (w - lw) // 2
        cy = y + (h - lw) // 2
        if o in (0x256D, 0x256E, 0x256F, 0x2570):  # rounded corners
            r = min(w, h) // 2
            # arc box centred on the cell centre, reaching to the edges
            ex, ey = cx + lw // 2, cy + lw // 2
            if o == 0x256D:    # ╭ right+down
                d.arc([ex, ey, ex + 2 * r, ey + 2 * r], 180, 270, fill=color, width=lw)
                d.rectangle([ex + r, cy, x + w - 1, cy + lw - 1], fill=color)
                d.rectangle([cx, ey + r, cx + lw - 1, y + h - 1], fill=color)
            elif o == 0x256E:  # ╮ left+down
                d.arc([ex - 2 * r, ey, ex, ey + 2 * r], 270, 360, fill=color, width=lw)
                d.rectangle([x, cy, ex - r, cy + lw - 1], fill=color)
                d.rectangle([cx, ey + r, cx + lw - 1, y + h - 1], fill=color)
            elif o == 0x256F:  # ╯ left+up
                d.arc([ex - 2 * r, ey - 2 * r, ex, ey], 0, 90, fill=color, width=lw)
                d.rectangle([x, cy, ex - r, cy + lw - 1], fill=color)
                d.rectangle([cx, y, cx + lw - 1, ey - r], fill=color)
            else:              # ╰ right+up
                d.arc([ex, ey - 2 * r, ex + 2 * r, ey], 90, 180, fill=color, width=lw)
                d.rectangle([ex + r, cy, x + w - 1, cy + lw - 1], fill=color)
                d.rectangle([cx, y, cx + lw - 1, ey - r], fill=color)
            return True
        if o in (0x2504, 0x2505, 0x2508, 0x2509, 0x254C, 0x254D):  # dashed horizontal
            t = lw if o in (0x2504, 0x2508, 0x254C) else lw * 2
            n = {0x2504: 3, 0x2505: 3, 0x2508: 4, 0x2509: 4}.get(o, 2)
            seg = w / n
            for k in range(n):
                d.rectangle([x + k * seg, cy, x + k * seg + seg * 0.6, cy + t - 1], fill=color)
            return True
        if o in (0x2506, 0x2507, 0x250A, 0x250B, 0x254E, 0x254F):  # dashed vertical
            t = lw if o in (0x2506, 0x250A, 0x254E) else lw * 2
            n = {0x2506: 3, 0x2507: 3, 0x250A: 4, 0x250B: 4}.get(o, 2)
            seg = h / n
            for k in range(n):
                d.rectangle([cx, y + k * seg, cx + t - 1, y + k * seg + seg * 0.6], fill=color)
            return True
        arms = self.BOX.get(o)
        if arms is None:
            return False
        up, right, down, left = arms

        def span(c, wt):  # first and last pixel of a line of weight wt centred on c
            t = lw * (2 if wt == 2 else 1)
            return c - (t - lw) // 2, c - (t - lw) // 2 + t - 1

        def line(horizontal, a0, a1, wt):
            c = cy if horizontal else cx
            offs = (-lw, lw) if wt == 3 else (0,)
            for off in offs:
                b0, b1 = span(c + off, wt)
                box = [a0, b0, a1, b1] if horizontal else [b0, a0, b1, a1]
                d.rectangle(box, fill=color)

        vw = max(up, down)
        hw = max(left, right)
        # Horizontal arms reach across the vertical line (and vice versa) so joints close.
        v0, v1 = span(cx, vw) if vw else (cx, cx + lw - 1)
        h0, h1 = span(cy, hw) if hw else (cy, cy + lw - 1)
        if vw == 3:
            v0, v1 = v0 - lw, v1 + lw
        if hw == 3:
            h0, h1 = h0 - lw, h1 + lw
        if left:
            line(True, x, v1, left)
        if right:
            line(True, v0, x + w - 1, right)
        if up:
            line(False, y, h1, up)
        if down:
            line(False, h0, y + h - 1, down)
        return True

    # --- whole picture -------------------------------------------------------------
    def render(self, rows, cols, nrows, pad=12):
        W = cols * self.cw + 2 * pad
        H = nrows * self.ch + 2 * pad
        img = Image.new("RGB", (W, H), BG)
        d = ImageDraw.Draw(img)
        for r in range(nrows):
            row = rows[r] if r < len(rows) else []
            y = pad + r * self.ch
            for c, cell in enumerate(row[:cols]):
                if cell is None:
                    continue
                text, st, w = cell
                fg = st.fg or FG
                bg = st.bg or BG
                if st.rev:
                    fg, bg = bg, fg
                if st.dim:
                    fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
                x = pad + c * self.cw
                cw = self.cw * w
                if bg != BG:
                    d.rectangle([x, y, x + cw - 1, y + self.ch - 1], fill=bg)
                if st.hidden or text == " ":
                    pass
                else:
                    res = self.draw_special(d, x, y, cw, text[0], fg) if len(text) == 1 else False
                    if isinstance(res, tuple):  # shade
                        a = res[1]
                        col = tuple(round(f * a + b * (1 - a)) for f, b in zip(fg, bg))
                        d.rectangle([x, y, x + cw - 1, y + self.ch - 1], fill=col)
                    elif not res and (w == 2 or "\ufe0f" in text) and \
                            (em := self.emoji_image(text, cw - 2, self.ch - 4)) is not None:
                        img.paste(em, (x + (cw - em.width) // 2, y + (self.ch - em.height) // 2), em)
                    elif not res:
                        font = self.font_for(text, st)
                        if font is self.reg or font in (self.bold, self.ital, self.bital):
                            d.text((x, y + self.base), text, font=font, fill=fg)
                        else:
                            # Fallback glyph: centre it in its cells, on the mono baseline.
                            gw = font.getlength(text)
                            scale_x = x + max(0, (cw - gw) / 2)
                            asc = self.reg.getmetrics()[0]
                            d.text((scale_x, y + self.base + asc), text, font=font, fill=fg, anchor="ls")
                            if st.bold:
                                d.text((scale_x + 1, y + self.base + asc), text, font=font, fill=fg,
                                       anchor="ls")
                if st.under:
                    uy = y + self.ch - 3
                    d.line([x, uy, x + cw - 1, uy], fill=fg)
                if st.strike:
                    sy = y + self.ch // 2
                    d.line([x, sy, x + cw - 1, sy], fill=fg)
        return img


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--cols", type=int, default=0, help="width in cells (default: widest line)")
    ap.add_argument("--rows", type=int, default=0, help="height in cells (default: line count)")
    ap.add_argument("--size", type=int, default=16, help="font size in pixels")
    a = ap.parse_args()
    with open(a.input, encoding="utf-8", errors="replace") as f:
        rows = parse(f.read())
    cols = a.cols or max((len(r) for r in rows), default=1)
    nrows = a.rows or len(rows)
    img = Renderer(a.size).render(rows, cols, nrows)
    img.save(a.output, optimize=True)


if __name__ == "__main__":
    main()
