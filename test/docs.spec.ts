import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/*
 * The project's own documentation (README.md and docs/*.md), not a user's config: a newcomer
 * reads the README first, so it stays short, opens with the two commands, and every link in it and
 * in docs/ reaches a file and a heading that exist. Source comments and error messages that send
 * the reader to a docs page are checked the same way, so moving a section cannot leave a fix hint
 * pointing nowhere.
 */

const ROOT = path.join(__dirname, "..");
const README = path.join(ROOT, "README.md");
const DOCS = path.join(ROOT, "docs");
/** The issue's budget for the README ("at most 25,000 bytes"). */
const README_MAX_BYTES = 25_000;

/**
 * The anchor GitHub gives a heading: lower-cased, every character that is not a letter, mark,
 * number, connector punctuation (`_`), space or hyphen dropped, each space turned into a hyphen
 * (runs are not collapsed), and a repeated slug suffixed `-1`, `-2`, ... in document order. This is
 * github-slugger's rule, the one github.com renders with
 * (https://github.com/Flet/github-slugger, index.js: lower-case, strip, `/ /g` -> `-`, occurrences).
 */
export function githubSlug(heading: string): string {
    return heading
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

/** The rendered text of a heading's Markdown: link text without its target, no code ticks. */
function headingText(markdown: string): string {
    return markdown
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/`/g, "")
        .trim();
}

/** Lines outside fenced code blocks (``` or ~~~), with their 1-based numbers. */
function proseLines(text: string): { line: string; n: number }[] {
    const out: { line: string; n: number }[] = [];
    let fence: string | undefined;
    text.split("\n").forEach((line, i) => {
        const m = /^\s*(`{3,}|~{3,})/.exec(line);
        if (m) {
            if (fence === undefined) fence = m[1][0];
            else if (m[1][0] === fence) fence = undefined;
            return;
        }
        if (fence === undefined) out.push({ line, n: i + 1 });
    });
    return out;
}

/** Every anchor a Markdown file's headings get, duplicates numbered as GitHub numbers them. */
export function anchorsOf(text: string): Set<string> {
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const { line } of proseLines(text)) {
        const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (!m) continue;
        const base = githubSlug(headingText(m[1]));
        const count = seen.get(base);
        anchors.add(count === undefined ? base : `${base}-${count + 1}`);
        seen.set(base, count === undefined ? 0 : count + 1);
    }
    return anchors;
}

/** Inline links `[text](target)` of the prose, code spans left out. */
function linksOf(text: string): { target: string; n: number }[] {
    const links: { target: string; n: number }[] = [];
    for (const { line, n } of proseLines(text)) {
        const prose = line.replace(/`[^`]*`/g, "``");
        for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
            links.push({ target: m[1], n });
    }
    return links;
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOfFile(file: string): Set<string> {
    let anchors = anchorCache.get(file);
    if (!anchors) {
        anchors = anchorsOf(fs.readFileSync(file, "utf8"));
        anchorCache.set(file, anchors);
    }
    return anchors;
}

/** Why a relative link of `from` does not resolve, or undefined when it does. */
function brokenLink(from: string, target: string): string | undefined {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: not ours to check
    const [rawPath, anchor] = target.split("#", 2);
    const file = rawPath === "" ? from : path.resolve(path.dirname(from), decodeURI(rawPath));
    if (!fs.existsSync(file)) return `no file ${path.relative(ROOT, file)}`;
    if (anchor === undefined) return undefined;
    if (!file.endsWith(".md"))
        return `an anchor into ${path.relative(ROOT, file)}, which is no Markdown`;
    if (!anchorsOfFile(file).has(anchor))
        return `no heading with anchor #${anchor} in ${path.relative(ROOT, file)}`;
    return undefined;
}

const markdownFiles = (): string[] => [
    README,
    ...fs
        .readdirSync(DOCS)
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join(DOCS, f)),
];

describe("docs", () => {
    describe("githubSlug", () => {
        // Headings of this repository and the anchors github.com gives them.
        for (const [heading, slug] of [
            [
                "Names that never move: renaming, re-ordering, upgrading",
                "names-that-never-move-renaming-re-ordering-upgrading",
            ],
            ["Scaling: sharding and StackSet mode", "scaling-sharding-and-stackset-mode"],
            ["Online verification, after `pulumi up`", "online-verification-after-pulumi-up"],
            ["The pack (`test/runners/pack.spec.ts`)", "the-pack-testrunnerspackspects"],
            ["CI", "ci"],
            ["What only a real `pulumi up` can prove", "what-only-a-real-pulumi-up-can-prove"],
            ["A — B", "a--b"],
            ["snake_case and émigré", "snake_case-and-émigré"],
        ]) {
            it(`${JSON.stringify(heading)} -> #${slug}`, () => {
                assert.strictEqual(githubSlug(headingText(heading)), slug);
            });
        }

        it("numbers repeated headings -1, -2 and ignores headings inside code blocks", () => {
            const anchors = anchorsOf("# Usage\n\n## Usage\n\n```sh\n# Usage\n```\n\n### Usage\n");
            assert.deepStrictEqual([...anchors], ["usage", "usage-1", "usage-2"]);
        });
    });

    describe("README.md", () => {
        const readme = fs.readFileSync(README, "utf8");

        it(`is at most ${README_MAX_BYTES} bytes`, () => {
            const bytes = Buffer.byteLength(readme, "utf8");
            assert.ok(
                bytes <= README_MAX_BYTES,
                `README.md is ${bytes} bytes: move detail into docs/`,
            );
        });

        it("opens with the two commands: npm ci && npm start, npm ci && npm test", () => {
            const first = /```[a-z]*\n([\s\S]*?)```/.exec(readme);
            assert.ok(first, "README.md has no code block");
            const commands = first[1]
                .split("\n")
                .map((l) => l.replace(/#.*$/, "").trim())
                .filter((l) => l !== "");
            assert.deepStrictEqual(commands, ["npm ci && npm start", "npm ci && npm test"]);
            // The code block comes before any other section: it is the first thing a reader sees.
            assert.ok(readme.indexOf(first[0]) < readme.indexOf("\n## "));
        });

        it("keeps `npm test` as the command .ci/run runs", () => {
            const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
            assert.match(ci, /^\s*npm test\b/m);
        });

        it("links to a docs page for each topic a newcomer looks for", () => {
            for (const page of [
                "docs/configuration.md",
                "docs/runbook.md",
                "docs/policies.md",
                "docs/evidence.md",
                "docs/proofs.md",
                "docs/scaling.md",
                "docs/deploying.md",
                "docs/accounts.md",
                "docs/security-design.md",
                "docs/development.md",
            ]) {
                assert.ok(
                    linksOf(readme).some((l) => l.target.split("#")[0] === page),
                    `README.md does not link ${page}`,
                );
            }
        });
    });

    it("every relative link and #anchor of README.md and docs/*.md resolves", () => {
        const broken: string[] = [];
        for (const file of markdownFiles()) {
            for (const { target, n } of linksOf(fs.readFileSync(file, "utf8"))) {
                const why = brokenLink(file, target);
                if (why) broken.push(`${path.relative(ROOT, file)}:${n}: (${target}): ${why}`);
            }
        }
        assert.deepStrictEqual(broken, []);
    });

    it("the link checker finds a missing file, a missing anchor and an anchor into a heading that moved", () => {
        // Its own fixture: a README whose section moved into docs/guide.md.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docs-links-"));
        try {
            fs.mkdirSync(path.join(dir, "docs"));
            const readme = path.join(dir, "README.md");
            fs.writeFileSync(readme, "# Project\n\n## Start\n");
            fs.writeFileSync(
                path.join(dir, "docs", "guide.md"),
                "# Guide\n\n## The log evidence\n",
            );
            fs.writeFileSync(path.join(dir, "data.json"), "{}");
            assert.match(
                brokenLink(readme, "docs/nothing-here.md") ?? "",
                /no file .*nothing-here\.md/,
            );
            assert.match(
                brokenLink(readme, "docs/guide.md#no-such-heading") ?? "",
                /no heading with anchor #no-such-heading/,
            );
            assert.match(
                brokenLink(readme, "#the-log-evidence") ?? "",
                /no heading with anchor #the-log-evidence/,
            );
            assert.match(brokenLink(readme, "data.json#x") ?? "", /which is no Markdown/);
            assert.strictEqual(brokenLink(readme, "docs/guide.md#the-log-evidence"), undefined);
            assert.strictEqual(brokenLink(readme, "#start"), undefined);
            assert.strictEqual(
                brokenLink(path.join(dir, "docs", "guide.md"), "../README.md#start"),
                undefined,
            );
            assert.strictEqual(brokenLink(readme, "https://example.com/#x"), undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("references from the code to the docs", () => {
        const SOURCE_DIRS = [
            "components",
            "config",
            "evidence",
            "plan",
            "policypack",
            "scripts",
            "stacks",
            "verify",
            "cli",
            ".github",
        ];
        const sourceFiles = (): string[] => {
            const out: string[] = [];
            const walk = (dir: string): void => {
                for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                    if (e.name === "node_modules" || e.name === "dist") continue;
                    const p = path.join(dir, e.name);
                    if (e.isDirectory()) walk(p);
                    else if (/\.(ts|js|ya?ml)$/.test(e.name)) out.push(p);
                }
            };
            for (const d of SOURCE_DIRS)
                if (fs.existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
            // Pulumi.yaml, the project file; the stack files (Pulumi.<stack>.yaml) are the user's to
            // edit, comments included, so their links are not this suite's to hold.
            out.push(path.join(ROOT, "Pulumi.yaml"));
            return out;
        };

        it("every docs/<page>.md#anchor named in source, workflows and the project file exists", () => {
            const broken: string[] = [];
            for (const file of sourceFiles()) {
                const text = fs.readFileSync(file, "utf8");
                for (const m of text.matchAll(/\bdocs\/([\w.-]+\.md)(#[\w-]+)?/g)) {
                    const why = brokenLink(
                        path.join(ROOT, "README.md"),
                        `docs/${m[1]}${m[2] ?? ""}`,
                    );
                    if (why)
                        broken.push(
                            `${path.relative(ROOT, file)}: docs/${m[1]}${m[2] ?? ""}: ${why}`,
                        );
                }
            }
            assert.deepStrictEqual(broken, []);
        });

        it("a source that sends the reader to the README names a section the README has", () => {
            const headings = new Set(
                proseLines(fs.readFileSync(README, "utf8"))
                    .map(({ line }) => /^#{1,6}\s+(.*)$/.exec(line)?.[1])
                    .filter((h): h is string => h !== undefined)
                    .map(headingText),
            );
            const stale: string[] = [];
            for (const file of sourceFiles()) {
                const text = fs.readFileSync(file, "utf8");
                for (const m of text.matchAll(/\bREADME\b(?:\.md)?/g)) {
                    const before = text.slice(Math.max(0, m.index - 60), m.index);
                    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 200);
                    // Another project's README (owner/repo, README "...") or the pack's own README.
                    if (/[\w-]+\/[\w-]+,\s*$/.test(before) || /policypack\/$/.test(before))
                        continue;
                    // README, "X" / README ("X") / README: "X", the section's heading verbatim.
                    const quoted = /^[,:]?\s*\(?\\?"([^"\\]+)\\?"/.exec(after);
                    if (
                        quoted &&
                        headings.has(quoted[1].replace(/\s*\n\s*(?:\/\/|\*|#)?\s*/g, " "))
                    )
                        continue;
                    const line = text.slice(0, m.index).split("\n").length;
                    stale.push(
                        `${path.relative(ROOT, file)}:${line}: README${after.split("\n")[0].slice(0, 60)}`,
                    );
                }
            }
            assert.deepStrictEqual(stale, [], "point these at docs/<page>.md#<anchor>");
        });
    });
});
