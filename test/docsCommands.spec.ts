import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../cli/main";

/*
 * The commands as the docs show them are the commands as `--help` prints them: README.md's
 * "Commands" section and docs/cli.md quote the top-level command list and every command's usage
 * line, so a new option or command that the docs do not show (or one they still show after it
 * went) fails here rather than misleading a reader who copies it.
 */

const ROOT = path.join(__dirname, "..");

/** What `npx org-access ARGV` prints on standard output, and its exit code. */
async function helpOf(argv: string[]): Promise<string> {
    let out = "";
    let err = "";
    const code = await main(argv, {
        out: { write: (s: string) => (out += s) },
        err: { write: (s: string) => (err += s) },
    });
    assert.strictEqual(code, 0, `${argv.join(" ")}: ${err}`);
    return out;
}

/** The `usage:` paragraph a --help starts with: the first line and its indented continuations. */
function usageOf(help: string): string {
    const lines = help.split("\n");
    assert.match(lines[0], /^usage: npx org-access /);
    const end = lines.findIndex((l) => l.trim() === "");
    return lines.slice(0, end < 0 ? undefined : end).join("\n");
}

/** The body of every fenced ```text block of a Markdown file. */
function textBlocks(markdown: string): string[] {
    return [...markdown.matchAll(/^```text\n([\s\S]*?)^```$/gm)].map((m) =>
        m[1].replace(/\n$/, ""),
    );
}

/** The section of a Markdown file under `## heading`, up to the next `## `. */
function section(markdown: string, heading: string): string {
    const start = markdown.indexOf(`\n## ${heading}\n`);
    assert.ok(start >= 0, `no "## ${heading}" section`);
    const next = markdown.indexOf("\n## ", start + 1);
    return markdown.slice(start, next < 0 ? undefined : next);
}

const COMMANDS = [
    ["plan"],
    ["check"],
    ["verify"],
    ["account"],
    ["stacks"],
    ["bench"],
    ["bench", "policy"],
] as const;

describe("docs: the commands as --help prints them", () => {
    const readme = section(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), "Commands");
    const cli = fs.readFileSync(path.join(ROOT, "docs", "cli.md"), "utf8");

    it("README.md's Commands section quotes the command list of npx org-access --help", async () => {
        const help = await helpOf(["--help"]);
        const list = /\nCommands:\n([\s\S]*?)\n\n/.exec(help);
        assert.ok(list, "npx org-access --help has no Commands: list");
        const expected = list[1]
            .split("\n")
            .map((l) => l.replace(/^ {2}/, ""))
            .join("\n");
        assert.ok(
            textBlocks(readme).includes(expected),
            `README.md's Commands section has no block with:\n${expected}`,
        );
    });

    it("README.md and docs/cli.md quote every command's usage line, in order, as its --help prints it", async () => {
        const usages: string[] = [];
        for (const argv of COMMANDS) usages.push(usageOf(await helpOf([...argv, "--help"])));
        const expected = usages.join("\n");
        for (const [name, text] of [
            ["README.md", readme],
            ["docs/cli.md", cli],
        ] as const)
            assert.ok(
                textBlocks(text).includes(expected),
                `${name} has no block with the usage lines:\n${expected}`,
            );
    });

    it("a README whose plan usage line lost an option no longer matches", async () => {
        const plan = usageOf(await helpOf(["plan", "--help"]));
        assert.match(plan, / \[--verbose\]/);
        assert.ok(textBlocks(readme).some((b) => b.includes(plan)));
        const stale = readme.replace(" [--verbose]", "");
        assert.ok(!textBlocks(stale).some((b) => b.includes(plan)));
    });
});
