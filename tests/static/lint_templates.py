#!/usr/bin/python3
# lint_templates.py: static checks of templates/**/*.html, static/app.css and the nginx error page (CSP, escaping, CSRF, URLs).
#
# Usage: tests/static/lint_templates.py [repo-root]   (default: two levels above this file)
# Prints one "file:line: problem" per failure and ends with "lint-templates: N passed, N failed"; exit 1 on any failure.
#
# Rules for every template (each rule is one counted check per file):
#   no-script      no <script> at all for now (and never one without src=)
#   no-style-tag   no <style> element
#   no-style-attr  no style= attribute
#   no-on-attr     no on*= event handler attribute
#   no-raw         no {{{x}}} / {{&x}} unless the name is in RAW_ALLOW
#   attr-quoted    every attribute value is double-quoted, and mustache tags inside a tag appear only in quoted values
#   csrf           every <form method="post"> contains {{> partials/csrf_field}}
#   urls           href/src/action/formaction: a literal local path ("/..." not "//...", or "#...") whose query may use only
#                  QUERY_KEYS, or a value that is exactly one {{key}} with key in URL_BUILDER_KEYS (empty)
#   no-http        no "http://" anywhere
#   html-lang      a template with <html> has exactly <html lang="{{lang}}"> (layout.html must have it)
# static/app.css: no @import, no url() or text pointing outside the site (http:, https:, //).
# static/errors/nginx.shtml: no-script, no-style-tag, no-style-attr, no-on-attr, attr-quoted, no-http, urls.
import os
import re
import sys

RAW_ALLOW = {"qr", "orders_chart"}  # names allowed in {{{x}}} / {{&x}}: qr = fcgi/html/qr.c, orders_chart = fcgi/html/svgchart.c (VIEW_SAFE SVG)
URL_BUILDER_KEYS = {"download_href", "form_action_href", "back_href"}  # view keys holding URLs our C code builds: download_href = data:text/plain;base64 (page_enrol.c); form_action_href, back_href = /connections[/<id>] (page_connections.c)
QUERY_KEYS = {"static_v", "platform"}  # view keys allowed inside the query part of a literal local URL (platform: a name from conn_all())
PATH_ID_KEYS = {"id", "conn.id", "flow_id"}  # view keys allowed as a whole path segment: numbers the C side renders
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "data"}

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

passed = 0
failed = 0


def check(ok, where, msg):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("%s: %s" % (where, msg))


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def blank_keep_lines(m):
    return re.sub(r"[^\n]", " ", m.group(0))


def strip_mustache_comments(text):
    """Mustache comments may hold anything: blank them out, keeping offsets and line numbers."""
    return re.sub(r"\{\{!.*?\}\}", blank_keep_lines, text, flags=re.S)


def strip_html_comments(text):
    return re.sub(r"<!--.*?-->", blank_keep_lines, text, flags=re.S)


TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)")
MUSTACHE = re.compile(r"\{\{.*?\}\}", re.S)


def parse_tags(text):
    """Yield (pos, tagname, attrs, problems) for every start tag; attrs = [(name, value|None, quote, pos)]."""
    i = 0
    n = len(text)
    while True:
        lt = text.find("<", i)
        if lt < 0:
            return
        m = TAG_NAME.match(text, lt)
        if not m:
            i = lt + 1
            continue
        name = m.group(1).lower()
        j = m.end()
        attrs = []
        problems = []
        while j < n:
            c = text[j]
            if c.isspace():
                j += 1
                continue
            if c == ">":
                j += 1
                break
            if text.startswith("/>", j):
                j += 2
                break
            if text.startswith("{{", j):
                end = text.find("}}", j)
                end = n if end < 0 else end + 2
                problems.append((j, "mustache tag %r inside <%s> outside a quoted attribute value"
                                 % (text[j:end], name)))
                j = end
                continue
            am = re.compile(r"[^\s\"'>/={}]+").match(text, j)
            if not am:
                problems.append((j, "unexpected character %r in <%s>" % (c, name)))
                j += 1
                continue
            aname = am.group(0).lower()
            apos = j
            j = am.end()
            k = j
            while k < n and text[k].isspace():
                k += 1
            if k < n and text[k] == "=":
                k += 1
                while k < n and text[k].isspace():
                    k += 1
                if k < n and text[k] == '"':
                    end = text.find('"', k + 1)
                    if end < 0:
                        problems.append((apos, "unterminated value of %s" % aname))
                        end = n - 1
                    attrs.append((aname, text[k + 1:end], '"', apos))
                    j = end + 1
                elif k < n and text[k] == "'":
                    end = text.find("'", k + 1)
                    end = n - 1 if end < 0 else end
                    attrs.append((aname, text[k + 1:end], "'", apos))
                    j = end + 1
                else:
                    vm = re.compile(r"[^\s>]*").match(text, k)
                    attrs.append((aname, vm.group(0), "", apos))
                    j = vm.end()
            else:
                attrs.append((aname, None, None, apos))
        yield lt, name, attrs, problems
        i = j


def url_ok(value):
    """True when a href/src/action value is safe by construction."""
    tags = MUSTACHE.findall(value)
    if value.startswith("{{"):
        m = re.fullmatch(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}", value)
        return bool(m) and m.group(1) in URL_BUILDER_KEYS
    if not (value.startswith("#") or (value.startswith("/") and not value.startswith("//"))):
        return False
    if "\\" in value:
        return False
    if tags:
        q = value.find("?")
        path = value if q < 0 else value[:q]
        for seg in path.split("/"):
            if "{{" not in seg:
                continue
            m = re.fullmatch(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}", seg)
            if not m or m.group(1) not in PATH_ID_KEYS:
                return False
        tags = MUSTACHE.findall(value[q:]) if q >= 0 else []
        for t in tags:
            m = re.fullmatch(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}", t)
            if not m or m.group(1) not in QUERY_KEYS:
                return False
    return True


def lint_markup(rel, text, template):
    """Checks shared by templates and the SSI error page."""
    body = strip_mustache_comments(text) if template else text
    scan = strip_html_comments(body)
    # {{<parent}} and {{> partial}} are not markup: blank them so "<" is not read as a tag.
    scan = re.sub(r"\{\{[<>].*?\}\}", blank_keep_lines, scan, flags=re.S)

    bad = [m.start() for m in re.finditer(r"<script\b", scan, re.I)]
    check(not bad, "%s:%d" % (rel, line_of(scan, bad[0]) if bad else 0),
          "no-script: <script> is not allowed (CSP; none at all for now)")
    bad = [m.start() for m in re.finditer(r"<style\b", scan, re.I)]
    check(not bad, "%s:%d" % (rel, line_of(scan, bad[0]) if bad else 0),
          "no-style-tag: <style> is not allowed (CSP)")

    tags = list(parse_tags(scan))
    style_attr, on_attr, quoting, urls = [], [], [], []
    for pos, name, attrs, problems in tags:
        for ppos, msg in problems:
            quoting.append((ppos, msg))
        for aname, value, quote, apos in attrs:
            if aname == "style":
                style_attr.append((apos, "style= attribute on <%s>" % name))
            if re.fullmatch(r"on[a-z]+", aname):
                on_attr.append((apos, "%s= event handler on <%s>" % (aname, name)))
            if value is not None and quote != '"':
                quoting.append((apos, "value of %s on <%s> is not double-quoted" % (aname, name)))
            if aname in URL_ATTRS and value is not None and not url_ok(value):
                urls.append((apos, "%s=\"%s\" on <%s> is not a literal local path or an allowed URL key"
                             % (aname, value, name)))
    for rule, items, what in (("no-style-attr", style_attr, "inline style attributes are not allowed (CSP)"),
                              ("no-on-attr", on_attr, "event handler attributes are not allowed (CSP)"),
                              ("attr-quoted", quoting, "attributes must be double-quoted"),
                              ("urls", urls, "unsafe URL attribute")):
        for p, msg in items:
            check(False, "%s:%d" % (rel, line_of(scan, p)), "%s: %s" % (rule, msg))
        if not items:
            check(True, rel, rule)

    bad = [m.start() for m in re.finditer(r"http://", body, re.I)]
    check(not bad, "%s:%d" % (rel, line_of(body, bad[0]) if bad else 0), "no-http: http:// URL")
    return body, scan, tags


def lint_template(rel, text):
    body, scan, tags = lint_markup(rel, text, True)

    raw = []
    for m in re.finditer(r"\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{&\s*([^}]*?)\s*\}\}", scan):
        nm = m.group(1) or m.group(2)
        if nm not in RAW_ALLOW:
            raw.append((m.start(), nm))
    for p, nm in raw:
        check(False, "%s:%d" % (rel, line_of(scan, p)), "no-raw: raw output of %r is not in the allowlist" % nm)
    if not raw:
        check(True, rel, "no-raw")

    forms = 0
    for pos, name, attrs, problems in tags:
        if name != "form":
            continue
        method = next((v for a, v, q, p in attrs if a == "method"), None) or "get"
        if method.lower() != "post":
            continue
        forms += 1
        end = scan.find("</form>", pos)
        inner = body[pos:end if end >= 0 else len(body)]
        check(re.search(r"\{\{>\s*partials/csrf_field\s*\}\}", inner) is not None,
              "%s:%d" % (rel, line_of(scan, pos)), "csrf: <form method=\"post\"> without {{> partials/csrf_field}}")
    if forms == 0:
        check(True, rel, "csrf")

    htmls = [(pos, attrs) for pos, name, attrs, problems in tags if name == "html"]
    is_layout = os.path.basename(rel) == "layout.html"
    if htmls or is_layout:
        ok = len(htmls) == 1 and re.search(r'<html lang="\{\{lang\}\}">', scan) is not None
        check(ok, "%s:%d" % (rel, line_of(scan, htmls[0][0]) if htmls else 1),
              "html-lang: a layout needs exactly one <html lang=\"{{lang}}\">")
        check("<!DOCTYPE html>" in scan, rel, "doctype: a layout starts with <!DOCTYPE html>")


def lint_css(rel, text):
    nocomment = re.sub(r"/\*.*?\*/", blank_keep_lines, text, flags=re.S)
    bad = [m.start() for m in re.finditer(r"@import", nocomment, re.I)]
    check(not bad, "%s:%d" % (rel, line_of(nocomment, bad[0]) if bad else 0), "css: no @import")
    bad = []
    for m in re.finditer(r"url\(\s*['\"]?([^)'\"]*)", nocomment, re.I):
        u = m.group(1).strip()
        if not (u.startswith("/") and not u.startswith("//")) and not u.startswith("data:image/svg+xml"):
            bad.append((m.start(), u))
    for m in re.finditer(r"https?:|//[a-z0-9.-]+\.[a-z]", nocomment, re.I):
        bad.append((m.start(), m.group(0)))
    for p, u in bad:
        check(False, "%s:%d" % (rel, line_of(nocomment, p)), "css: external URL %r" % u)
    if not bad:
        check(True, rel, "css-urls")


def main():
    tdir = os.path.join(ROOT, "templates")
    files = []
    for dirpath, dirnames, filenames in os.walk(tdir):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith(".html"):
                files.append(os.path.join(dirpath, f))
    check(len(files) > 0, "templates", "no template found under %s" % tdir)
    check(os.path.exists(os.path.join(tdir, "layout.html")), "templates/layout.html", "missing")
    for path in files:
        rel = os.path.relpath(path, ROOT)
        with open(path, encoding="utf-8") as f:
            lint_template(rel, f.read())

    csrf = os.path.join(tdir, "partials", "csrf_field.html")
    if os.path.exists(csrf):
        with open(csrf, encoding="utf-8") as f:
            check('<input type="hidden" name="csrf_token" value="{{csrf_token}}">' in f.read(),
                  "templates/partials/csrf_field.html", "csrf: the partial must render the csrf_token hidden input")
    else:
        check(False, "templates/partials/csrf_field.html", "missing")

    css = os.path.join(ROOT, "static", "app.css")
    if os.path.exists(css):
        with open(css, encoding="utf-8") as f:
            lint_css("static/app.css", f.read())
    else:
        check(False, "static/app.css", "missing")

    page = os.path.join(ROOT, "static", "errors", "nginx.shtml")
    if os.path.exists(page):
        with open(page, encoding="utf-8") as f:
            lint_markup("static/errors/nginx.shtml", f.read(), False)
    else:
        check(False, "static/errors/nginx.shtml", "missing")

    print("lint-templates: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
