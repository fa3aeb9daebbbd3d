#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Doxygen INPUT_FILTER: rewrite kernel-doc comments into Doxygen syntax.

Usage: kdoc-filter.py FILE   (writes the filtered FILE to stdout)

Doxygen runs this on every input file.  The output keeps the line count of
the input, so Doxygen's warnings point at the right source line.

Kernel-doc comments (``/**`` followed by ``name - summary``,
``name() - summary`` or ``struct name - summary``) become:

  name - summary          ->  @brief summary
  @param: text            ->  @param param text      (functions, macros)
  @member: text           ->  ``/**< text */`` appended to the member's line
                              (struct, union, enum)
  Context: text           ->  @kcontext text  (an alias for @par Context:)
  Return: text            ->  @return text
  @name, @name->field     ->  `name`, `name->field` in running text, when
                              name is a parameter or member of that comment
  &struct foo             ->  struct foo

Other doc comments (already in Doxygen syntax, e.g. one holding @file) are
passed through.  A plain comment directly above a ``#define`` becomes its
documentation, and the first plain comment of a file becomes its @file
block (a file without one gets an empty @file block, so that its symbols
are listed at all).

In .c files everything except kernel-doc'ed definitions is put inside
``@cond DMA_VEC_INTERNAL``: static helpers are implementation details,
while an exported function without kernel-doc still shows up undocumented
through its declaration in the header, and Doxygen warns.

Problems a kernel-doc checker would report (a comment naming something
other than what follows it, a member described but not declared) are
printed to stderr as "FILE:LINE: warning: ..."; the doc build fails on any
output there.
"""
import re
import sys

COND_OPEN = '/** @cond DMA_VEC_INTERNAL */'
COND_CLOSE = '/** @endcond */'

HEAD_RE = re.compile(
    r'^(?:(struct|union|enum|typedef)\s+)?([A-Za-z_]\w*)\s*(?:\(\))?\s*-\s*(.*)$')
PARAM_RE = re.compile(r'^@([A-Za-z_]\w*|\.\.\.)\s*:\s*(.*)$')
SECTION_RE = re.compile(r'^(Context|Returns?|Note|Notes|Warning|Locking)\s*:\s*(.*)$',
                        re.IGNORECASE)
REF_RE = re.compile(r'@([A-Za-z_]\w*)((?:(?:->|\.)[A-Za-z_]\w*)*)')
AMP_RE = re.compile(r'&(struct|union|enum|typedef)\s+')
MEMBER_RE = re.compile(r'([A-Za-z_]\w*)\s*(?:\[[^\]]*\])*\s*(?::\s*\w+\s*)?;')
FUNCPTR_RE = re.compile(r'\(\s*\*\s*([A-Za-z_]\w*)\s*\)')
ENUMVAL_RE = re.compile(r'^\s*([A-Za-z_]\w*)\s*(?:=[^,]*)?,?')

path = sys.argv[1]
warnings = []


def warn(lineno, msg):
    warnings.append('%s:%d: warning: %s' % (path, lineno, msg))


def strip_star(line):
    """Text of one comment line without the leading ' * '."""
    s = line.strip()
    if s.startswith('/**'):
        s = s[3:]
    elif s.startswith('/*'):
        s = s[2:]
    if s.endswith('*/'):
        s = s[:-2]
    s = s.strip()
    if s.startswith('*'):
        s = s[1:]
    return s.strip()


def convert_refs(text, names):
    text = AMP_RE.sub(lambda m: m.group(1) + ' ', text)

    def ref(m):
        if m.group(1) in names:
            return '`%s%s`' % (m.group(1), m.group(2))
        return m.group(0)
    return REF_RE.sub(ref, text)


def find_comment_end(lines, i):
    for j in range(i, len(lines)):
        if '*/' in lines[j][(lines[j].index('/*') + 2) if j == i else 0:]:
            return j
    return len(lines) - 1


def next_code_line(lines, i):
    """Index of the first non-blank line at or after i."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def decl_end(lines, i):
    """Last line of the declaration/definition starting at line i."""
    if i >= len(lines):
        return len(lines) - 1
    if lines[i].lstrip().startswith('#'):
        while i < len(lines) - 1 and lines[i].rstrip().endswith('\\'):
            i += 1
        return i
    depth = 0
    braces = False
    for j in range(i, len(lines)):
        code = re.sub(r'/\*.*?\*/|//.*$', '', lines[j])
        for ch in code:
            if ch == '{':
                depth += 1
                braces = True
            elif ch == '}':
                depth -= 1
        if depth <= 0 and (';' in code or (braces and '}' in code)):
            return j
    return len(lines) - 1


def convert_kdoc(body, kind, name, summary, first_lineno):
    """Convert the text lines of one kernel-doc comment.

    Returns (new text lines, {member: description}); the number of lines is
    preserved.
    """
    is_aggr = kind in ('struct', 'union', 'enum')
    params = {}
    order = []
    # First pass: collect parameter / member names for reference conversion.
    for t in body:
        m = PARAM_RE.match(t)
        if m:
            params[m.group(1)] = ''
            order.append(m.group(1))
    names = set(params) | {name}

    out = []
    cur = None          # parameter whose description continues
    in_section = False
    for k, t in enumerate(body):
        if k == 0:
            out.append('@brief ' + convert_refs(summary, names))
            continue
        m = PARAM_RE.match(t)
        if m:
            cur = m.group(1)
            in_section = False
            desc = convert_refs(m.group(2), names)
            if is_aggr:
                params[cur] = desc
                out.append('')
            else:
                pname = '...' if cur == '...' else cur
                out.append('@param %s %s' % (pname, desc))
            continue
        if not t:
            cur = None
            in_section = False
            out.append('')
            continue
        if cur is not None:
            desc = convert_refs(t, names)
            if is_aggr:
                params[cur] += ' ' + desc
                out.append('')
            else:
                out.append(desc)
            continue
        m = SECTION_RE.match(t)
        if m:
            sec = m.group(1).lower()
            rest = convert_refs(m.group(2), names)
            in_section = True
            if sec.startswith('return'):
                out.append('@return ' + rest)
            elif sec == 'context':
                out.append('@kcontext ' + rest)
            elif sec.startswith('note'):
                out.append('@note ' + rest)
            elif sec == 'warning':
                out.append('@warning ' + rest)
            else:
                out.append('@klocking ' + rest)
            continue
        out.append(convert_refs(t, names))
    for p in order:
        if not params[p].strip() and is_aggr:
            warn(first_lineno, "%s %s: member '%s' has no description"
                 % (kind, name, p))
    return out, params


def attach_members(lines, start, kind, name, members, lineno):
    """Append /**< */ member docs inside the aggregate starting at start."""
    end = decl_end(lines, start)
    depth = 0
    seen = set()
    for j in range(start, end + 1):
        line = lines[j]
        code = re.sub(r'/\*.*?\*/|//.*$', '', line)
        before = depth
        depth += code.count('{') - code.count('}')
        if j == start or before < 1:
            continue
        member = None
        if kind == 'enum':
            m = ENUMVAL_RE.match(code)
            if m and before == 1 and code.strip() not in ('{', '}', '};'):
                member = m.group(1)
        elif ';' in code:
            m = FUNCPTR_RE.search(code) or MEMBER_RE.search(code)
            if m:
                member = m.group(1)
        if member and member in members:
            lines[j] = line.rstrip('\n') + ' /**< %s */' % members[member].strip()
            seen.add(member)
    for mname in members:
        if mname not in seen:
            warn(lineno, "%s %s: '%s' described but not a member"
                 % (kind, name, mname))


def filter_c(text, is_c):
    lines = text.split('\n')
    out = list(lines)
    have_file_doc = '@file' in text or '\\file' in text
    file_doc_done = have_file_doc
    seen_code = False
    hidden = False
    reopen_after = None     # line index after which to re-enter @cond
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        s = line.strip()
        if reopen_after is not None and i > reopen_after:
            if is_c and not hidden:
                out[i - 1] += ' ' + COND_OPEN
                hidden = True
            reopen_after = None
        if s.startswith('/*') and not s.startswith('/**/'):
            end = find_comment_end(lines, i)
            is_doc = s.startswith('/**') and not s.startswith('/***')
            spdx = 'SPDX-License-Identifier' in s
            if spdx:
                i = end + 1
                continue
            if is_doc:
                body = [strip_star(lines[k]) for k in range(i, end + 1)]
                # Drop an empty opener line ("/**") from the body.
                first = i
                if not body[0]:
                    body = body[1:]
                    first = i + 1
                m = HEAD_RE.match(body[0]) if body else None
                if m:
                    kind, name, summary = m.group(1), m.group(2), m.group(3)
                    # Trailing "*/" line has an empty body entry: keep it.
                    conv, members = convert_kdoc(body, kind, name, summary,
                                                 first + 1)
                    for k, t in enumerate(conv):
                        ln = first + k
                        if ln == i:
                            out[ln] = '/** ' + t
                        elif ln == end and lines[end].strip() == '*/':
                            out[ln] = ' */'
                        else:
                            out[ln] = ' * ' + t if t else ' *'
                    if lines[end].strip() != '*/' and end != i:
                        out[end] += ' */'
                    elif end == i:
                        out[end] += ' */'
                    code_i = next_code_line(lines, end + 1)
                    code = lines[code_i] if code_i < n else ''
                    nxt_code = lines[code_i + 1] if code_i + 1 < n else ''
                    check_name(code, nxt_code, kind, name, first + 1)
                    if kind in ('struct', 'union', 'enum'):
                        attach_members(out, code_i, kind, name, members,
                                       first + 1)
                    if is_c and hidden:
                        out[i] = COND_CLOSE + ' ' + out[i]
                        hidden = False
                    reopen_after = decl_end(lines, code_i)
                    seen_code = True
                i = end + 1
                continue
            # A plain comment.
            nxt = end + 1
            if not file_doc_done and not seen_code:
                # The file's description.
                file_doc_done = True
                body = [strip_star(lines[k]) for k in range(i, end + 1)]
                out[i] = '/** @file'
                rest = body[0]
                if rest:
                    out[i] += ' @brief ' + rest
                else:
                    # Make the first text line the brief description.
                    for k in range(i + 1, end + 1):
                        t = strip_star(lines[k])
                        if t:
                            out[k] = ' * @brief ' + t + (
                                ' */' if k == end else '')
                            break
                if end == i and not out[i].endswith('*/'):
                    out[i] += ' */'
                if is_c:
                    out[end] += ' ' + COND_OPEN
                    hidden = True
                i = nxt
                continue
            if nxt < n and lines[nxt].lstrip().startswith('#define') \
                    and not hidden:
                # It documents the #define below it, and the ones right
                # after that (a block of related constants).
                out[i] = line.replace('/*', '/**', 1)
                text = ' '.join(strip_star(lines[k]) for k in range(i, end + 1))
                text = text.strip()
                k = decl_end(lines, nxt) + 1
                while k < n and lines[k].lstrip().startswith('#define'):
                    last = decl_end(lines, k)
                    out[last] += ' /**< %s */' % text
                    k = last + 1
            i = nxt
            continue
        if s and not s.startswith('#') and not s.startswith('//'):
            seen_code = True
        if s.startswith('#include') or (s.startswith('#') and seen_code):
            seen_code = True
        i += 1
    if not file_doc_done:
        out[0] = out[0] + ' /** @file */'
        if is_c:
            out[0] += ' ' + COND_OPEN
            hidden = True
    if is_c and hidden:
        out[-1] += COND_CLOSE if not out[-1] else '\n' + COND_CLOSE
    return '\n'.join(out)


def check_name(code, nxt, kind, name, lineno):
    if kind in ('struct', 'union', 'enum'):
        if not re.search(r'\b%s\s+%s\b' % (kind, re.escape(name)), code):
            warn(lineno, "kernel-doc for %s %s is not followed by its "
                 "definition" % (kind, name))
        return
    if kind == 'typedef':
        return
    # Function or macro: the name must appear in the declaration's first
    # lines (the return type may sit on a line of its own).
    if not re.search(r'\b%s\b' % re.escape(name), code):
        if not re.search(r'\b%s\s*\(' % re.escape(name), nxt):
            warn(lineno, "kernel-doc for %s() is not followed by its "
                 "declaration" % name)


def main():
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if not path.endswith(('.c', '.h')):
        sys.stdout.write(text)
        return 0
    sys.stdout.write(filter_c(text, path.endswith('.c')))
    for w in warnings:
        print(w, file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
