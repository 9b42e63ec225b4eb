#!/usr/bin/env python3
"""Writes signet.toml(5) from the settings table of docs/cli.md (the "| setting | default |
rules |" table and the paragraphs around it), so that the manual page and the documentation are
one text. Usage: settings-man.py docs/cli.md VERSION OUTPUT"""
import re
import sys


def roff(text):
    """Markdown cell text to troff: links keep their text, `code` is bold, escapes as man(7)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = re.sub(r"`([^`]*)`", r"\\fB\1\\fR", text)
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def settings_rows(markdown):
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if re.match(r"^\|\s*setting\s*\|\s*default\s*\|\s*rules\s*\|", line))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if len(cells) != 3:
            sys.exit(f"settings-man.py: a row without 3 cells: {line}")
        rows.append(cells)
    if not rows:
        sys.exit("settings-man.py: the settings table is empty")
    return rows


def main():
    source, version, output = sys.argv[1:4]
    with open(source, encoding="utf-8") as f:
        rows = settings_rows(f.read())
    out = [
        f'.TH SIGNET.TOML 5 "" "signet {version}" "File Formats"',
        # Left-aligned, not hyphenated: URLs and setting names are long unbreakable words.
        ".ad l",
        ".nh",
        ".SH NAME",
        "signet.toml \\- settings of signet serve",
        ".SH SYNOPSIS",
        "/etc/signet/signet.toml (the packaged service), or the file given to "
        "\\fBsignet serve \\-\\-config\\fR",
        ".SH DESCRIPTION",
        "A TOML file of settings, one key per setting. Settings come from four sources, the last "
        "one wins: the defaults below; this file; environment variables \\fBSIGNET_\\fR followed "
        "by the setting's name in upper case (\\fBSIGNET_DATA_DIR\\fR); the options of "
        "\\fBsignet serve\\fR (the name with dashes: \\fB\\-\\-data\\-dir\\fR).",
        ".PP",
        "An unknown setting or an invalid value stops the start with exit status 2 and a message "
        "naming the setting and where it came from. Durations are whole seconds. Booleans are "
        "true or false in TOML, and true, false, 1 or 0 in variables and options. Relative paths "
        "are relative to the working directory.",
        ".SH SETTINGS",
    ]
    for setting, default, rules in rows:
        out += [".TP", roff(setting), f"Default: {roff(default)}.", ".br", roff(rules) + "."]
    out += [
        ".SH EXAMPLE",
        ".nf",
        'listen = "0.0.0.0:8443"',
        'data_dir = "/var/lib/signet"',
        'issuer = "https://auth.example.com"',
        'tls_cert = "/etc/signet/tls/fullchain.pem"',
        'tls_key = "/etc/signet/tls/privkey.pem"',
        ".fi",
        ".SH SEE ALSO",
        "\\fBsignet\\fR(1), \\fBsignet\\-serve\\fR(1)",
    ]
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
