import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MERMAID_MAX_TEXT_SIZE } from "../../evidence/accessGraph";
import { CONTROLS } from "../../evidence/controls";
import { AccessModel, RoleModel } from "../../evidence/model";
import {
    combinedHash,
    configFilesOf,
    currentProvenance,
    gitCommit,
    maskCommand,
    Provenance,
} from "../../evidence/provenance";
import {
    adminExemptionsOf,
    ReportInput,
    ReportStack,
    renderReport,
    reportStackOf,
} from "../../evidence/report";
import { datedReportName, writeReport } from "../../evidence/reportFile";
import type { StackPlan } from "../../plan/offline";
import { parsePolicyDocument } from "../../policypack/iam";
import { PROJECT_ROOT } from "../../config/stackFile";

const SECURITY = "111122223333";
const user = (name: string) => `arn:aws:iam::${SECURITY}:user/org-access/${name}`;
const AUDITORS = Array.from({ length: 40 }, (_, i) =>
    user(`auditor-${String(i).padStart(2, "0")}`),
);
const BREAK_GLASS = user("break-glass/dana");
const REPORTER = user("compliance-reporter");

interface Org {
    readonly model: AccessModel;
    readonly accounts: readonly { name: string; accountId: string }[];
}

function role(
    accountId: string,
    name: string,
    trust: unknown,
    maxSessionDuration = 3600,
): RoleModel {
    return {
        accountId,
        name,
        arn: `arn:aws:iam::${accountId}:role/${name}`,
        maxSessionDuration,
        trust: parsePolicyDocument(trust, "trust"),
        identity: [],
        unknownManaged: [],
    };
}

const mfa = {
    Bool: { "aws:MultiFactorAuthPresent": "true" },
    NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
};

/**
 * An organization of `n` member accounts as the access model sees it: an audit role in each,
 * trusted by 40 auditors with MFA and a reporter with its ExternalId, and a break-glass role in
 * the first three accounts. `distinct`: each account's audit role has its own session length, so
 * no two accounts have the same access (the worst case for folding).
 */
function organization(n: number, distinct = false, auditors: readonly string[] = AUDITORS): Org {
    const accounts = Array.from({ length: n }, (_, i) => ({
        name: `member-${String(i).padStart(4, "0")}`,
        accountId: String(200000000000 + i),
    }));
    const audit = {
        Version: "2012-10-17",
        Statement: [
            ...(auditors.length === 0
                ? []
                : [
                      {
                          Sid: "Humans",
                          Effect: "Allow",
                          Principal: { AWS: [...auditors] },
                          Action: "sts:AssumeRole",
                          Condition: mfa,
                      },
                  ]),
            {
                Sid: "Programs",
                Effect: "Allow",
                Principal: { AWS: REPORTER },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": "example-external-id" } },
            },
        ],
    };
    const breakGlass = {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { AWS: BREAK_GLASS },
                Action: "sts:AssumeRole",
                Condition: mfa,
            },
        ],
    };
    const roles = accounts.flatMap((a, i) => [
        role(a.accountId, "SecurityAuditRole", audit, distinct ? 3600 + i : 3600),
        ...(i < 3 ? [role(a.accountId, "BreakGlassRole", breakGlass)] : []),
    ]);
    return {
        accounts,
        model: {
            partition: "aws",
            region: "us-east-1",
            securityAccountId: SECURITY,
            roles,
            principals: [],
            scps: [],
            trusted: {
                humanArns: auditors,
                reporters: [
                    {
                        name: "compliance-reporter",
                        arn: REPORTER,
                        externalId: "example-external-id",
                    },
                ],
                breakGlassArns: [BREAK_GLASS],
            },
        },
    };
}

function stackOf(org: Org, extra: Partial<ReportStack> = {}): ReportStack {
    return {
        stack: "workload",
        model: org.model,
        evidence: [],
        resourceCount: 0,
        accounts: org.accounts,
        ...extra,
    };
}

const report = (stacks: ReportStack[], extra: Partial<ReportInput> = {}) =>
    renderReport({
        source: "test",
        policyPackRan: true,
        stacks,
        adminExemptions: { roles: ["BreakGlassRole"], permissionSets: ["BreakGlass"] },
        ...extra,
    });

function mermaidBlocks(text: string): string[] {
    return [...text.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

/** The rows of every Markdown table whose first header cell is `first`, as unescaped cells. */
function tableRows(text: string, first: string): string[][] {
    const lines = text.split("\n");
    const rows: string[][] = [];
    const cells = (line: string) =>
        line
            .replace(/^\|/, "")
            .replace(/\|$/, "")
            .split(/(?<!\\)\|/)
            .map((c) => c.trim().replace(/\\\|/g, "|").replace(/\s+/g, " "));
    for (let i = 0; i + 1 < lines.length; i++) {
        if (!lines[i].startsWith("|") || !/^\|[\s|:-]+\|$/.test(lines[i + 1])) continue;
        const header = cells(lines[i]);
        let j = i + 2;
        for (; j < lines.length && lines[j].startsWith("|"); j++)
            if (header[0] === first) rows.push(cells(lines[j]));
        i = j;
    }
    return rows;
}

/** A new git checkout in a temp folder, with one committed stack file; `git` runs git there. */
function committedCheckout(prefix: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
            cwd: dir,
            encoding: "utf8",
        }).trim();
    git("init", "-q");
    fs.writeFileSync(path.join(dir, "Pulumi.workload.yaml"), "config: {}\n");
    git("add", ".");
    git("commit", "-q", "-m", "first");
    return { dir, git };
}

describe("report: access graph at scale", () => {
    for (const n of [1, 40, 1000, 3000])
        it(`${n} account(s): the Mermaid diagram stays under maxTextSize and 500 edges, and names or counts every account`, () => {
            const org = organization(n);
            const text = report([stackOf(org)]);
            const [graph] = mermaidBlocks(text);
            assert.ok(graph, "an access graph");
            assert.ok(graph.length < MERMAID_MAX_TEXT_SIZE, `${graph.length} characters`);
            assert.strictEqual(MERMAID_MAX_TEXT_SIZE, 50_000);
            const edges = graph.split("\n").filter((l) => l.includes("-->")).length;
            assert.ok(edges <= 500, `${edges} edges`);
            const folds = [...graph.matchAll(/\["(\d+) (?:more )?accounts?(?::| in )/g)].map((m) =>
                Number(m[1]),
            );
            if (folds.length > 0)
                assert.strictEqual(
                    folds.reduce((a, b) => a + b, 0),
                    n,
                    `folds ${folds.join(" + ")} cover every account`,
                );
            else
                for (const a of org.accounts)
                    assert.ok(graph.includes(`account ${a.name} (${a.accountId})`), a.name);
            // The table names every account, with its id.
            const afterGraph = text.slice(text.indexOf("```\n", text.indexOf("```mermaid")));
            for (const a of org.accounts)
                assert.ok(afterGraph.includes(`${a.name} (${a.accountId})`), a.name);
        });

    it("folds 40 accounts of the same access into one box, and the auditors into one node", () => {
        const [graph] = mermaidBlocks(report([stackOf(organization(40))]));
        // Two kinds of access: the three accounts with a break-glass role, and the 37 others.
        assert.match(graph, /\["37 accounts: member-0003, member-0004, member-0005, …"\]/);
        assert.match(graph, /\["3 accounts: member-0000, member-0001, member-0002"\]/);
        assert.match(graph, /\["👤 40 people: auditor-00, auditor-01, auditor-02, …"\]/);
        assert.ok(!graph.includes("auditor-39"), "one node for 40 auditors, not 40 nodes");
    });

    it("with 3,000 accounts of 3,000 different accesses, shows what fits and counts the rest", () => {
        const org = organization(3000, true);
        const text = report([stackOf(org)]);
        const [graph] = mermaidBlocks(text);
        assert.ok(graph.length < MERMAID_MAX_TEXT_SIZE, `${graph.length} characters`);
        assert.ok(graph.split("\n").filter((l) => l.includes("-->")).length <= 500);
        const more =
            /\["(\d+) more accounts in (\d+) other groups of access: see the table"\]/.exec(graph);
        assert.ok(more, "a note for the groups left out");
        const shown = [...graph.matchAll(/\["(\d+) accounts?: /g)].map((m) => Number(m[1]));
        assert.strictEqual(shown.reduce((a, b) => a + b, 0) + Number(more[1]), 3000);
        for (const a of org.accounts) assert.ok(text.includes(`${a.name} (${a.accountId})`));
    });

    it("draws one box per account and one node per principal for a small organization", () => {
        // No auditors: one break-glass user and the reporter.
        const org = organization(1, false, []);
        const [graph] = mermaidBlocks(report([stackOf(org)]));
        assert.match(graph, /subgraph acct_200000000000\["account member-0000 \(200000000000\)"\]/);
        assert.match(graph, /\["👤 dana"\]/);
        assert.match(graph, /\["⚙️ compliance-reporter"\]/);
    });
});

describe("report: access graph, one box per account", () => {
    it("puts each account's own roles in its box, with an edge into each", () => {
        const org = organization(4, false, []);
        // Names that sort against the ids: the box of each account is drawn by name.
        const accounts = org.accounts.map((a, i) => ({
            name: `acct-${4 - i}`,
            accountId: a.accountId,
        }));
        const graph = mermaidBlocks(report([stackOf(org, { accounts })]))[0];
        for (const a of accounts) {
            const node = `r_arn_aws_iam__${a.accountId}_role_SecurityAuditRole`;
            assert.ok(
                graph.includes(
                    `subgraph acct_${a.accountId}["account ${a.name} (${a.accountId})"]\n        ${node}["SecurityAuditRole"]`,
                ),
                graph,
            );
            assert.ok(
                graph.includes(`-- "ExternalId, session ≤ 3600 s" --> ${node}\n`) ||
                    graph.endsWith(node),
                a.name,
            );
        }
    });
});

describe("report: access graph, who a trust admits", () => {
    const REPORTER_2 = user("compliance-reporter-2");
    const ips = (last: string) => [
        ...Array.from({ length: 9 }, (_, i) => `203.0.113.${i}/32`),
        `198.51.100.${last}/32`,
    ];
    /** One account, an audit role whose trust names each reporter in its own statement. */
    function programs(
        reporters: readonly { arn: string; condition: Record<string, unknown> }[],
        n = 1,
    ): Org {
        const org = organization(n, false, []);
        const trust = {
            Version: "2012-10-17",
            Statement: reporters.map((r, i) => ({
                Sid: `Program${i}`,
                Effect: "Allow",
                Principal: { AWS: [r.arn] },
                Action: "sts:AssumeRole",
                Condition: r.condition,
            })),
        };
        return {
            accounts: org.accounts,
            model: {
                ...org.model,
                roles: org.accounts.map((a) => role(a.accountId, "SecurityAuditRole", trust)),
                trusted: {
                    humanArns: [],
                    breakGlassArns: [],
                    reporters: reporters.map((r) => ({
                        name: r.arn.split("/").pop() as string,
                        arn: r.arn,
                        externalId: "example-external-id",
                    })),
                },
            },
        };
    }
    const externalId = { StringEquals: { "sts:ExternalId": "example-external-id" } };
    const rowsOf = (org: Org) =>
        tableRows(report([stackOf(org)]), "principals").map((r) => ({
            who: r[0],
            conditions: r[3],
        }));

    it("matches a program's ARN whole: reporter-2's IP condition is not reporter's", () => {
        // REPORTER is a prefix of REPORTER_2: a substring test took reporter-2's statement for both.
        const org = programs([
            { arn: REPORTER, condition: externalId },
            {
                arn: REPORTER_2,
                condition: { ...externalId, IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
            },
        ]);
        assert.deepStrictEqual(rowsOf(org), [
            { who: "⚙️ compliance-reporter", conditions: "ExternalId, session ≤ 3600 s" },
            {
                who: "⚙️ compliance-reporter-2",
                conditions: "ExternalId, aws:SourceIp 203.0.113.0/24, session ≤ 3600 s",
            },
        ]);
    });

    it("never folds callers whose condition values differ, even where the labels are equal", () => {
        // Ten addresses each, the last one different: too long for the label, which shows the first.
        const org = programs(
            [
                { arn: REPORTER, condition: { IpAddress: { "aws:SourceIp": ips("1") } } },
                { arn: REPORTER_2, condition: { IpAddress: { "aws:SourceIp": ips("2") } } },
            ],
            100,
        );
        const rows = rowsOf(org);
        assert.deepStrictEqual(
            rows.map((r) => r.who),
            ["⚙️ compliance-reporter", "⚙️ compliance-reporter-2"],
        );
        assert.strictEqual(rows[0].conditions, rows[1].conditions);
        assert.match(rows[0].conditions, /aws:SourceIp 203\.0\.113\.0\/32 or … \(10 values\)/);
        // The folded diagram has a node for each, too.
        const [graph] = mermaidBlocks(report([stackOf(org)]));
        assert.match(graph, /c0\["⚙️ compliance-reporter"\]/);
        assert.match(graph, /c1\["⚙️ compliance-reporter-2"\]/);
        // The same values do fold: one row for both.
        const same = programs([
            { arn: REPORTER, condition: { IpAddress: { "aws:SourceIp": ips("1") } } },
            { arn: REPORTER_2, condition: { IpAddress: { "aws:SourceIp": ips("1") } } },
        ]);
        assert.deepStrictEqual(
            rowsOf(same).map((r) => r.who),
            ["⚙️ compliance-reporter, ⚙️ compliance-reporter-2"],
        );
    });

    it("gives jane.doe and jane_doe, two IAM users, a node each", () => {
        const org = organization(1, false, [user("jane.doe"), user("jane_doe")]);
        const [graph] = mermaidBlocks(report([stackOf(org)]));
        const nodes = [...graph.matchAll(/^ {8}(\S+)\["👤 (jane[._]doe)"\]$/gm)].map((m) => ({
            id: m[1],
            name: m[2],
        }));
        assert.deepStrictEqual(
            nodes.map((n) => n.name),
            ["jane.doe", "jane_doe"],
        );
        assert.notStrictEqual(nodes[0].id, nodes[1].id, graph);
        for (const n of nodes)
            assert.ok(
                graph.split("\n").some((l) => l.startsWith(`    ${n.id} -- "`)),
                `an edge from ${n.name}`,
            );
    });
});

describe("report: account names next to ids", () => {
    const org = organization(2);
    const names = { prod: "200000000000", dev: "200000000001" };
    const accounts = [
        { name: "prod", accountId: names.prod },
        { name: "dev", accountId: names.dev },
    ];
    const text = report([
        stackOf(org, {
            accounts,
            evidence: [
                {
                    accountId: names.prod,
                    role: "SecurityAuditRole",
                    scenario: "iam-write",
                    expected: "denied",
                    simulated: "denied",
                    reason: "explicit deny",
                },
            ],
            proofs: [
                {
                    id: "audit-no-write",
                    statement: "the audit role writes nothing",
                    holds: false,
                    checked: 1,
                    unit: "roles",
                    assumptions: [],
                    counterexamples: [
                        {
                            principal: `arn:aws:iam::${names.dev}:role/SecurityAuditRole`,
                            path: [],
                            action: "iam:CreateUser",
                            resource: "*",
                            statements: ["inline policy x Statement[0]"],
                            reason: "allowed",
                        },
                    ],
                },
            ],
        }),
    ]);

    it("in the evidence matrix", () => {
        assert.ok(text.includes(`| prod (${names.prod}) | SecurityAuditRole | \`iam-write\``));
    });

    it("in the proofs' counterexamples", () => {
        assert.ok(
            text.includes(
                `| arn:aws:iam::${names.dev}:role/SecurityAuditRole (${names.dev} = dev) |`,
            ),
        );
    });

    it("in the access graph and its table", () => {
        const [graph] = mermaidBlocks(text);
        assert.ok(graph.includes(`["2 accounts: dev, prod"]`), graph);
        assert.ok(text.includes(`A1: dev (${names.dev}), prod (${names.prod})`));
    });

    it("from a planned stack's outputs: its accounts and the log-archive account", () => {
        const stack = reportStackOf({
            result: {
                stack: "workload",
                region: "us-east-1",
                resources: [],
                outputs: { accounts, logArchiveAccountId: "444455556666" },
            },
            model: org.model,
            evidence: [],
            proofs: [],
            violations: [],
        } as unknown as StackPlan);
        assert.deepStrictEqual(stack.accounts, [
            ...accounts,
            { name: "log-archive", accountId: "444455556666" },
        ]);
    });
});

describe("report: provenance", () => {
    const provenance: Provenance = {
        generatedAt: new Date(Date.UTC(2026, 10, 26, 12, 41, 1, 500)),
        commit: { full: "a".repeat(40), short: "aaaaaaa", dirty: true },
        version: "9.8.7",
        command: "npm start -- --report out/",
        files: [
            { path: "Pulumi.security.yaml", sha256: "1".repeat(64) },
            { path: "Pulumi.workload.yaml", sha256: "2".repeat(64) },
        ],
    };

    it("comes first: date in ISO 8601 UTC, commit short and full with +dirty, version, command, hashes", () => {
        const text = report([stackOf(organization(1))], { provenance });
        const section = text.slice(text.indexOf("## Provenance"), text.indexOf("## Summary"));
        assert.ok(text.indexOf("## Provenance") < text.indexOf("## Summary"));
        assert.ok(section.includes("2026-11-26T12:41:01Z (UTC)"), section);
        assert.ok(section.includes(`\`aaaaaaa\` (${"a".repeat(40)}) +dirty`), section);
        assert.ok(section.includes("org-access 9.8.7"));
        assert.ok(section.includes("`npm start -- --report out/`"));
        assert.ok(section.includes(`| \`Pulumi.workload.yaml\` | \`${"2".repeat(64)}\` |`));
        // The combined hash is sha256sum's output for the files, hashed: reproducible by hand.
        const expected = createHash("sha256")
            .update(
                `${"1".repeat(64)}  Pulumi.security.yaml\n${"2".repeat(64)}  Pulumi.workload.yaml\n`,
            )
            .digest("hex");
        assert.strictEqual(combinedHash(provenance.files), expected);
        assert.ok(section.includes(`combined: \`${expected}\``));
    });

    it("for verify: the identity it ran as and the Region", () => {
        const text = report([stackOf(organization(1))], {
            provenance: {
                ...provenance,
                caller: {
                    arn: `arn:aws:iam::${SECURITY}:user/org-access/alice`,
                    account: SECURITY,
                },
                region: "eu-west-1",
            },
        });
        assert.ok(
            text.includes(
                `- **Ran as**: arn:aws:iam::${SECURITY}:user/org-access/alice (account ${SECURITY})`,
            ),
        );
        assert.ok(text.includes("- **Region**: eu-west-1"));
    });

    it("says 'not a git checkout' outside git, and never throws", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-nogit-"));
        assert.strictEqual(gitCommit(dir), "not a git checkout");
        const p = currentProvenance({
            command: "x",
            files: [],
            root: dir,
            now: provenance.generatedAt,
        });
        assert.strictEqual(p.commit, "not a git checkout");
        assert.strictEqual(p.version, "unknown");
    });

    it("reads the commit of a checkout, dirty once a file changes", () => {
        const { dir, git } = committedCheckout("report-git-");
        const full = git("rev-parse", "HEAD");
        assert.deepStrictEqual(gitCommit(dir), {
            full,
            short: git("rev-parse", "--short", "HEAD"),
            dirty: false,
        });
        fs.writeFileSync(path.join(dir, "Pulumi.workload.yaml"), "config: {a: 1}\n");
        assert.strictEqual((gitCommit(dir) as { dirty: boolean }).dirty, true);
        const p = currentProvenance({
            command: "c",
            files: [path.join(dir, "Pulumi.workload.yaml")],
            root: dir,
        });
        assert.deepStrictEqual(p.files, [
            {
                path: "Pulumi.workload.yaml",
                sha256: createHash("sha256").update("config: {a: 1}\n").digest("hex"),
            },
        ]);
    });

    it("is not dirty for untracked files, such as an earlier dated report, and says so", () => {
        const { dir } = committedCheckout("report-untracked-");
        const first = writeReport(path.join(dir, "evidence") + path.sep, "plan", new Date(), "x");
        assert.ok(fs.existsSync(first));
        const commit = gitCommit(dir);
        assert.strictEqual((commit as { dirty: boolean }).dirty, false);
        const text = report([stackOf(organization(1))], { provenance: { ...provenance, commit } });
        assert.ok(text.includes("(untracked files are not counted)"), text.slice(0, 600));
        assert.ok(!text.includes("+dirty"));
        // A change to a tracked file still is.
        fs.appendFileSync(path.join(dir, "Pulumi.workload.yaml"), "# changed\n");
        assert.strictEqual((gitCommit(dir) as { dirty: boolean }).dirty, true);
    });

    it("hashes the files given, then every stack file of the planned folder, then the pack config", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-files-"));
        for (const f of [
            "Pulumi.workload.yaml",
            "Pulumi.security.yaml",
            "Pulumi.workload-eu.yaml",
            "Pulumi.yaml",
            "notes.yaml",
        ])
            fs.writeFileSync(path.join(dir, f), `${f}\n`);
        const given = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-given-")), "w.yaml");
        const files = configFilesOf({
            folder: dir,
            // The planned stack's own file given again: hashed once.
            given: [given, undefined, `${dir}${path.sep}.${path.sep}Pulumi.workload.yaml`],
            policyConfig: "/pack/policy-config.json",
        });
        assert.deepStrictEqual(files, [
            given,
            `${dir}${path.sep}.${path.sep}Pulumi.workload.yaml`,
            path.join(dir, "Pulumi.security.yaml"),
            path.join(dir, "Pulumi.workload-eu.yaml"),
            "/pack/policy-config.json",
        ]);
    });

    it("masks MFA codes and ExternalIds of the command line", () => {
        assert.strictEqual(
            maskCommand("npm run verify -- --token-code 123456 --external-id=abc --stack workload"),
            "npm run verify -- --token-code ****** --external-id=****** --stack workload",
        );
    });
});

describe("report: dated reports in a folder", () => {
    const at = new Date(Date.UTC(2026, 10, 26, 12, 41, 1));

    it("writes verify-<UTC date-time>.md into a directory and never replaces an earlier one", () => {
        const dir =
            path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-dir-")), "evidence") + path.sep;
        assert.strictEqual(datedReportName("verify", at), "verify-2026-11-26T12-41-01Z.md");
        const first = writeReport(dir, "verify", at, "first");
        const second = writeReport(dir, "verify", at, "second");
        assert.strictEqual(path.basename(first), "verify-2026-11-26T12-41-01Z.md");
        assert.strictEqual(path.basename(second), "verify-2026-11-26T12-41-01Z@02.md");
        assert.strictEqual(fs.readFileSync(first, "utf8"), "first");
        assert.strictEqual(fs.readFileSync(second, "utf8"), "second");
        // An existing directory without a trailing separator is a directory too.
        const third = writeReport(dir.slice(0, -1), "plan", at, "plan");
        assert.strictEqual(path.basename(third), "plan-2026-11-26T12-41-01Z.md");
    });

    it("names the reports of one second so that they sort in the order written, byte-wise and by collation", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-order-"));
        const written = [
            ...Array.from({ length: 12 }, (_, i) => writeReport(dir, "verify", at, String(i))),
            writeReport(dir, "verify", new Date(at.getTime() + 1000), "next second"),
        ].map((f) => path.basename(f));
        assert.strictEqual(new Set(written).size, 13);
        // LC_ALL=C order is the order of the bytes (the names are ASCII): JavaScript's default sort.
        assert.deepStrictEqual([...written].sort(), written);
        // Collation with numbers as numbers, as file browsers sort.
        assert.deepStrictEqual(
            [...written].sort(new Intl.Collator("en", { numeric: true }).compare),
            written,
        );
        assert.deepStrictEqual([...written].sort(new Intl.Collator("en").compare), written);
        // Valid Windows file names: none of < > : " / \ | ? *.
        for (const name of written) assert.doesNotMatch(name, /[<>:"/\\|?*]/);
        assert.deepStrictEqual(
            written.map((f) => fs.readFileSync(path.join(dir, f), "utf8")),
            [...Array.from({ length: 12 }, (_, i) => String(i)), "next second"],
        );
    });

    it("writes a file path as given", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-file-")), "r.md");
        assert.strictEqual(writeReport(file, "plan", at, "x"), file);
        assert.strictEqual(fs.readFileSync(file, "utf8"), "x");
    });
});

describe("report: controls", () => {
    const text = report([stackOf(organization(1))]);
    const reported = tableRows(text.slice(text.indexOf("## Controls")), "control");

    // The contract with the docs: every row of every table whose first header cell is "control"
    // in docs/guardrails.md (and in README.md while its table is there) is a row of the report's
    // controls table, word for word (whitespace collapsed).
    it("lists every control row of the docs", () => {
        const docs = ["docs/guardrails.md", "README.md"]
            .map((f) => path.join(PROJECT_ROOT, f))
            .filter((f) => fs.existsSync(f));
        const documented = docs.flatMap((f) =>
            tableRows(fs.readFileSync(f, "utf8"), "control").map((r) => ({
                file: f,
                control: r[0],
            })),
        );
        assert.ok(documented.length > 0, "the docs have control tables");
        const controls = new Set(reported.map((r) => r[0]));
        const missing = documented.filter((d) => !controls.has(d.control));
        assert.deepStrictEqual(missing, [], "every control of the docs is in the report");
    });

    it("lists the README's opening controls", () => {
        const all = reported.map((r) => r.join(" ")).join("\n");
        for (const claim of [
            /SecurityAuditRole/,
            /MFA, present and recent/,
            /exact ExternalId/,
            /one hour/,
            /Explicit Deny on IAM writes, data reads and CloudShell/,
            /Alarm: CloudTrail configuration changes/,
            /Identity Center `SecurityAudit`/,
            /RCP `org-access-perimeter`/,
            /Centralized root access/,
            /IAM Access Analyzer/,
            /no access keys/,
            /Policy pack gate/,
        ])
            assert.match(all, claim);
    });

    it("states the break-glass exemption beside every CIS 1.16 claim, with the pack config's names", () => {
        const custom = report([stackOf(organization(1))], {
            adminExemptions: { roles: ["EmergencyAdmin"], permissionSets: ["Emergency"] },
        });
        const rows = tableRows(custom.slice(custom.indexOf("## Controls")), "control");
        const claims = rows.filter((r) => /(^|[^\d.])1\.16(?!\d)/.test(r[2]));
        assert.ok(claims.length >= 3, `${claims.length} CIS 1.16 claims`);
        for (const r of claims)
            assert.match(
                r[2],
                /except break-glass\*\*: role `EmergencyAdmin`, permission set `Emergency` are full administrator by design/,
                r[0],
            );
        // And only there.
        for (const r of rows.filter((x) => !claims.includes(x)))
            assert.ok(!r[2].includes("except break-glass"), r[0]);
    });

    it("takes every exemption of the pack config: both admin policies' breakGlassRoles, and breakGlassPolicies", () => {
        const exemptions = adminExemptionsOf({
            "iam-no-admin-grants": {
                breakGlassRoles: ["EmergencyAdmin"],
                breakGlassPermissionSets: ["Emergency"],
                breakGlassPolicies: ["emergency-admin-policy"],
            },
            "iam-no-admin-principals": { breakGlassRoles: ["EmergencyAdmin", "LegacyRoot"] },
        });
        assert.deepStrictEqual(exemptions, {
            roles: ["EmergencyAdmin", "LegacyRoot"],
            permissionSets: ["Emergency"],
            policies: ["emergency-admin-policy"],
        });
        const custom = report([stackOf(organization(1))], { adminExemptions: exemptions });
        const rows = tableRows(custom.slice(custom.indexOf("## Controls")), "control");
        const claims = rows.filter((r) => /(^|[^\d.])1\.16(?!\d)/.test(r[2]));
        assert.ok(claims.length >= 3);
        for (const r of claims)
            assert.ok(
                r[2].includes(
                    "**except break-glass**: role `EmergencyAdmin`, role `LegacyRoot`, permission set `Emergency`, policy `emergency-admin-policy` are full administrator by design, exempted by name in the pack config (breakGlassRoles, breakGlassPermissionSets, breakGlassPolicies)",
                ),
                `${r[0]}: ${r[2]}`,
            );
    });

    it("discloses the active suppressions of the admin policies beside every CIS 1.16 claim", () => {
        const suppression = (policy: string, resource: string, status: "active" | "expired") => ({
            policy,
            suppression: { resource, reason: `${resource}: TICKET-12`, expires: "2027-03-31" },
            status,
            matched: 1,
        });
        const custom = report(
            [
                stackOf(organization(1), {
                    suppressions: [
                        suppression(
                            "iam-no-admin-grants",
                            "aws:iam/role:Role::legacy-admin",
                            "active",
                        ),
                        suppression("iam-no-admin-principals", "aws:iam/user:User::ops", "active"),
                        suppression("iam-no-admin-grants", "aws:iam/role:Role::old", "expired"),
                        suppression("s3-log-bucket-protected", "aws:s3/bucket:Bucket::b", "active"),
                    ],
                }),
            ],
            { adminExemptions: { roles: [], permissionSets: [] } },
        );
        const rows = tableRows(custom.slice(custom.indexOf("## Controls")), "control");
        const claims = rows.filter((r) => /(^|[^\d.])1\.16(?!\d)/.test(r[2]));
        assert.ok(claims.length >= 3);
        for (const r of claims) {
            assert.ok(
                r[2].includes(
                    "**suppressed** (accepted violations of the admin checks): `aws:iam/role:Role::legacy-admin` (iam-no-admin-grants, until 2027-03-31: aws:iam/role:Role::legacy-admin: TICKET-12), `aws:iam/user:User::ops` (iam-no-admin-principals, until 2027-03-31: aws:iam/user:User::ops: TICKET-12)",
                ),
                `${r[0]}: ${r[2]}`,
            );
            assert.ok(!r[2].includes("Role::old"), "an expired suppression hides nothing");
            assert.ok(!r[2].includes("Bucket::b"), "not an admin policy");
            assert.ok(!r[2].includes("no exception"), r[2]);
        }
    });

    it("comes from one list: each control once per section, in the list's order", () => {
        assert.deepStrictEqual(
            reported.map((r) => r[0]),
            CONTROLS.map((c) => c.control.replace(/\s+/g, " ")),
        );
    });

    it("says which optional controls the planned stacks do not configure", () => {
        const org = organization(1);
        const security: ReportStack = { ...stackOf(org), stack: "security" };
        const rows = tableRows(
            report([security]).slice(report([security]).indexOf("## Controls")),
            "control",
        );
        const rcp = rows.find((r) => r[0].startsWith("Data perimeter (optional)"))!;
        assert.strictEqual(rcp[4], "not configured (optional)");
        // The SCPs are optional (guardrails); the alarms always come with the security stack.
        const scp = rows.find((r) => r[0].startsWith("Deny `organizations:LeaveOrganization`"))!;
        assert.strictEqual(scp[4], "not configured (optional)");
        const alarm = rows.find((r) => r[0] === "Alarm: root usage")!;
        assert.strictEqual(alarm[4], "planned");
        const onlyWorkload = tableRows(text.slice(text.indexOf("## Controls")), "control").find(
            (r) => r[0] === "Alarm: root usage",
        )!;
        assert.strictEqual(onlyWorkload[4], "security stack not in this report");
        const withScps: ReportStack = {
            ...security,
            model: {
                ...org.model,
                scps: [
                    {
                        label: "SCP org-access-baseline",
                        doc: parsePolicyDocument({ Version: "2012-10-17", Statement: [] }),
                        targets: ["r-ab12"],
                    },
                ],
            },
        };
        const guarded = report([withScps]);
        const leave = tableRows(guarded.slice(guarded.indexOf("## Controls")), "control").find(
            (r) => r[0].startsWith("Deny `organizations:LeaveOrganization`"),
        )!;
        assert.strictEqual(leave[4], "planned");
    });
});
