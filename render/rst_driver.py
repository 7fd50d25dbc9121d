# The docutils driver of package render: it converts reStructuredText
# documents to HTML bodies, one JSON request per line on stdin, one JSON
# reply per line on stdout, so that one Python process serves a build.
#
# Request:  {"id": 1, "src": "...", "nonce": "...", "lang": "python",
#            "raw": false, "smart_quotes": true, "tab_width": 4}
# Reply:    {"id": 1, "body": "...", "codes": [...], "msgs": [...]}
#
# Code (the code, code-block and sourcecode directives and :: literal
# blocks) is not highlighted here: each block becomes the placeholder
# <!--NONCE:N--> in the body, and codes[N] carries its text and options,
# for the Go side to highlight as it does Markdown fences.
import copy
import io
import json
import sys

try:
    import docutils
    from docutils import nodes
    from docutils.core import publish_parts
    from docutils.parsers.rst import Directive, Parser, directives
    from docutils.writers import html5_polyglot
except ImportError as e:
    sys.stdout.write(json.dumps({"missing": str(e)}) + "\n")
    sys.stdout.flush()
    sys.exit(3)


class Request:
    """The document being converted: its default language and its codes."""

    def __init__(self, req):
        self.nonce = str(req.get("nonce", ""))
        self.lang = str(req.get("lang", ""))
        self.codes = []
        self.msgs = []


current = None


def line_ranges(spec):
    """Reads 1,3-5 into [[1,1],[3,5]]; raises ValueError when it is not that."""
    out = []
    for part in spec.replace(" ", ",").split(","):
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        lo = int(lo)
        hi = int(hi) if sep else lo
        if lo < 1 or hi < lo:
            raise ValueError(part)
        out.append([lo, hi])
    return out


def linenos_option(arg):
    """Pelican's :linenos: takes table, inline or none; docutils' none."""
    arg = (arg or "").strip().lower()
    if arg not in ("", "table", "inline", "none"):
        raise ValueError('want no value, "table", "inline" or "none"')
    return arg != "none"


# Pelican's sourcecode options that only shape Pygments' HTML: accepted,
# and without effect on ours.
PYGMENTS_ONLY = (
    "anchorlinenos", "classprefix", "cssclass", "cssstyles", "lineanchors",
    "linenospecial", "linenostep", "lineseparator", "linespans", "nobackground",
    "noclasses", "nowrap", "prestyles", "tagsfile", "tagurlformat",
)


def optional_int(arg):
    if arg is None or not arg.strip():
        return None
    return directives.nonnegative_int(arg)


class CodeBlock(Directive):
    """code, code-block and sourcecode: Sphinx's and docutils' options."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {
        "linenos": linenos_option,
        "linenostart": directives.nonnegative_int,
        "hl_lines": directives.unchanged_required,
        "filename": directives.unchanged,
        "number-lines": optional_int,
        "lineno-start": directives.nonnegative_int,
        "emphasize-lines": directives.unchanged_required,
        "caption": directives.unchanged,
        "name": directives.unchanged,
        "class": directives.class_option,
        "force": directives.flag,
        "dedent": optional_int,
    }
    option_spec.update((name, directives.unchanged) for name in PYGMENTS_ONLY)

    def run(self):
        self.assert_has_content()
        lang = self.arguments[0].split()[0].lower() if self.arguments else current.lang
        hl = []
        for name in ("emphasize-lines", "hl_lines"):
            if name not in self.options:
                continue
            try:
                hl += line_ranges(self.options[name])
            except ValueError:
                raise self.error(
                    'invalid option value: (option: "%s"; value: %r)'
                    " want line numbers and ranges such as 1,3-5" % (name, self.options[name])
                )
        o = self.options
        start = o.get("lineno-start") or o.get("number-lines") or o.get("linenostart") or 1
        linenos = o.get("linenos", False) or "number-lines" in o or "lineno-start" in o
        code = "\n".join(self.content)
        node = nodes.literal_block(code, code)
        node["blog_code"] = {
            "lang": lang,
            "hl": hl,
            "linenos": linenos,
            "start": start,
            "caption": self.options.get("caption") or self.options.get("filename", ""),
        }
        node.line = self.lineno
        self.add_name(node)
        return [node]


for name in ("code", "code-block", "sourcecode"):
    directives.register_directive(name, CodeBlock)


class Translator(html5_polyglot.HTMLTranslator):
    def visit_literal_block(self, node):
        opts = node.get("blog_code")
        if opts is None:
            if not all(isinstance(c, nodes.Text) for c in node.children):
                # parsed-literal with inline markup: docutils' own
                return super().visit_literal_block(node)
            opts = {"lang": current.lang, "hl": [], "linenos": False, "start": 1, "caption": ""}
        code = node.astext()
        if not code.endswith("\n"):
            code += "\n"
        opts = dict(opts, code=code, line=node.line or 0)
        self.body.append("<!--%s:%d-->\n" % (current.nonce, len(current.codes)))
        current.codes.append(opts)
        raise nodes.SkipNode

    def visit_section(self, node):
        # The ids go on the heading, not the section: the table of
        # contents links to headings, and one id may be on one element.
        ids = node["ids"]
        node["ids"] = []
        super().visit_section(node)
        node["ids"] = ids

    def visit_title(self, node):
        if isinstance(node.parent, nodes.section) and not node["ids"]:
            node["ids"] = list(node.parent["ids"])
        super().visit_title(node)

    def visit_comment(self, node):
        # ".. more" marks the end of the summary, as <!--more--> does in
        # Markdown; other comments stay out of the page.
        if node.astext().strip().lower() == "more":
            self.body.append("<!--more-->\n")
        raise nodes.SkipNode


class Writer(html5_polyglot.Writer):
    def __init__(self):
        super().__init__()
        self.translator_class = Translator


class ObservedParser(Parser):
    """The reST parser, with every system message of the document noted."""

    def parse(self, inputstring, document):
        document.reporter.attach_observer(note)
        super().parse(inputstring, document)


def note(msg):
    level = msg.get("level", 0)
    if level < 2:
        return
    text = msg.children[0].astext() if msg.children else msg.astext()
    current.msgs.append({"line": msg.get("line") or 0, "level": level, "msg": text})


# settings holds docutils' settings by the options that vary, made once:
# building them is most of the cost of a small document.
settings = {}


def settings_for(req):
    key = (bool(req.get("raw", False)), bool(req.get("smart_quotes", False)), max(1, int(req.get("tab_width") or 8)))
    base = settings.get(key)
    if base is None:
        try:
            from docutils.frontend import get_default_settings

            base = get_default_settings(ObservedParser, Writer)
        except ImportError:  # docutils before 0.18
            from docutils.frontend import OptionParser

            base = OptionParser(components=(ObservedParser, Writer)).get_default_values()
        overrides = {
            "_disable_config": True,
            "input_encoding": "unicode",
            "output_encoding": "unicode",
            "doctitle_xform": False,
            "docinfo_xform": False,
            "sectsubtitle_xform": False,
            "initial_header_level": 2,
            "file_insertion_enabled": False,
            "raw_enabled": key[0],
            "smart_quotes": key[1],
            "tab_width": key[2],
            "report_level": 5,
            "halt_level": 5,
            "syntax_highlight": "none",
            "math_output": "HTML",
            "embed_stylesheet": False,
            "stylesheet_path": "",
            "traceback": True,
            # posts are bounded by build.max_post_size; a long line (an
            # embedded image, a table) is the writer's to have
            "line_length_limit": 1 << 30,
        }
        for k, v in overrides.items():
            setattr(base, k, v)
        settings[key] = base
    s = copy.copy(base)
    s.warning_stream = io.StringIO()
    return s


def convert(req):
    global current
    current = Request(req)
    parts = publish_parts(
        source=req.get("src", ""),
        source_path=req.get("file", "<post>"),
        parser=ObservedParser(),
        writer=Writer(),
        settings=settings_for(req),
    )
    return {"body": parts["body"], "codes": current.codes, "msgs": current.msgs}


def main():
    out = sys.stdout
    out.write(json.dumps({"docutils": docutils.__version__, "python": sys.version.split()[0]}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            reply = convert(req)
        except Exception as e:  # a docutils bug on odd input: one document fails
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        reply["id"] = req.get("id")
        out.write(json.dumps(reply) + "\n")
        out.flush()


main()
