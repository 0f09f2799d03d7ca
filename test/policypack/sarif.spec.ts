// check --sarif (policypack/cli/sarif.ts, sarifFile.ts): SARIF 2.1.0 as GitHub code scanning reads
// it. No copy of the SARIF JSON schema is installed, so the fields GitHub requires are checked one
// by one (https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../policypack/cli/check";
import { readInput } from "../../policypack/cli/input";
import {
    fingerprint,
    lineOf,
    MAX_RESULTS,
    repoUri,
    sarifLevel,
    toSarif,
} from "../../policypack/cli/sarif";
import { resolvePackConfig } from "../../policypack/config";
import { CheckInputError } from "../../policypack/runner";
import { sarifOf } from "../../policypack/cli/sarifFile";
import { checkAll } from "../../policypack/cli/check";
import { PackConfigInput, POLICIES } from "../../policypack/runner";
import { allowAssume, policyDoc } from "./helpers";

const ROLE = "aws:iam/role:Role";
const STACK = "sarif-fixture";
const ACCOUNT = "135792468024";
const urnOf = (name: string) => `urn:pulumi:${STACK}::org-access::${ROLE}::${name}`;
const open = (name: string, accountId?: string) => ({
    type: ROLE,
    name,
    urn: urnOf(name),
    ...(accountId ? { accountId } : {}),
    props: { assumeRolePolicy: JSON.stringify(policyDoc(allowAssume("*"))) },
});
/** The plan's JSON of one stack: one role in a listed account, one whose account is not listed. */
const PLAN = { stack: STACK, resources: [open("in-account", ACCOUNT), open("no-account")] };
const CONFIG: PackConfigInput = {
    "iam-trust-requires-mfa": "advisory",
    "cloudtrail-hardened": "disabled",
};
const STACK_FILE = [
    "config:",
    "  org-access:workloadAccounts:",
    "    - name: other",
    '      accountId: "111122223333"',
    "    - name: fixture",
    `      accountId: "${ACCOUNT}"`,
    "",
].join("\n");

type Sarif = {
    $schema: string;
    version: string;
    runs: Array<{
        tool: {
            driver: {
                name: string;
                version: string;
                informationUri: string;
                rules: Array<{
                    id: string;
                    shortDescription: { text: string };
                    helpUri?: string;
                    defaultConfiguration: { level: string; enabled?: boolean };
                }>;
            };
        };
        results: Array<{
            ruleId: string;
            ruleIndex: number;
            level: string;
            message: { text: string };
            locations: Array<{
                physicalLocation: {
                    artifactLocation: { uri: string; uriBaseId?: string };
                    region: { startLine: number };
                };
            }>;
            partialFingerprints: Record<string, string>;
            suppressions?: Array<{ kind: string; justification: string }>;
        }>;
    }>;
};

/** A repository in a temporary folder: the plan's JSON and (optionally) the stack file. */
function repo(stackFile?: string): { root: string; input: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "sarif-"));
    const input = path.join(root, "plan.json");
    fs.writeFileSync(input, JSON.stringify(PLAN, null, 2));
    if (stackFile !== undefined)
        fs.writeFileSync(path.join(root, `Pulumi.${STACK}.yaml`), stackFile);
    return { root, input };
}

function sarifFor(
    root: string,
    input: string,
    config: PackConfigInput = CONFIG,
    now?: Date,
): Sarif {
    const read = readInput(JSON.parse(fs.readFileSync(input, "utf8")));
    const { violations, suppressed } = checkAll(read, config, now);
    return sarifOf({
        input: read,
        file: input,
        config,
        violations,
        suppressed,
        root,
        repositoryUrl: "https://github.com/example-org/org-access",
    }) as Sarif;
}

async function capture(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
        out: { write: (s: string) => (stdout += s) },
        err: { write: (s: string) => (stderr += s) },
    });
    return { code, stdout, stderr };
}

describe("check --sarif (SARIF 2.1.0 for GitHub code scanning)", () => {
    it("has the top-level fields and a driver that lists every policy of the pack as a rule, at its configured level", () => {
        const { root, input } = repo(STACK_FILE);
        const log = sarifFor(root, input);
        assert.strictEqual(log.version, "2.1.0");
        assert.strictEqual(log.$schema, "https://json.schemastore.org/sarif-2.1.0.json");
        assert.strictEqual(log.runs.length, 1);
        const driver = log.runs[0].tool.driver;
        assert.strictEqual(driver.name, "org-access-guard");
        const pkg = JSON.parse(
            fs.readFileSync(path.join(__dirname, "../../policypack/package.json"), "utf8"),
        ) as { version: string };
        assert.strictEqual(driver.version, pkg.version);
        assert.strictEqual(driver.informationUri, "https://github.com/example-org/org-access");
        assert.deepStrictEqual(
            driver.rules.map((r) => r.id),
            POLICIES.map((p) => p.name),
        );
        for (const [i, r] of driver.rules.entries()) {
            assert.strictEqual(r.shortDescription.text, POLICIES[i].description);
            assert.strictEqual(
                r.helpUri,
                "https://github.com/example-org/org-access/blob/HEAD/policypack/README.md#what-each-policy-checks",
            );
        }
        const levelOf = (id: string) => driver.rules.find((r) => r.id === id)!.defaultConfiguration;
        assert.deepStrictEqual(levelOf("iam-no-wildcard-principal"), { level: "error" });
        assert.deepStrictEqual(levelOf("iam-trust-requires-mfa"), { level: "warning" });
        assert.deepStrictEqual(levelOf("cloudtrail-hardened"), { level: "none", enabled: false });
        assert.deepStrictEqual(["mandatory", "remediate", "advisory", "disabled"].map(sarifLevel), [
            "error",
            "error",
            "warning",
            "none",
        ]);
    });

    it("gives every violation a result: rule id and index, level from its enforcement, message, location, fingerprint", () => {
        const { root, input } = repo(STACK_FILE);
        const log = sarifFor(root, input);
        const { rules } = log.runs[0].tool.driver;
        const results = log.runs[0].results;
        const read = readInput(PLAN);
        const { violations } = checkAll(read, CONFIG);
        assert.strictEqual(results.length, violations.length);
        assert.ok(results.some((r) => r.level === "error"));
        assert.ok(results.some((r) => r.level === "warning"));
        for (const [i, r] of results.entries()) {
            const v = violations[i];
            assert.strictEqual(r.ruleId, v.policy);
            assert.strictEqual(rules[r.ruleIndex].id, r.ruleId);
            assert.strictEqual(r.level, v.enforcementLevel === "mandatory" ? "error" : "warning");
            assert.ok(r.message.text.includes(v.message), r.message.text);
            assert.strictEqual(r.locations.length, 1);
            const loc = r.locations[0].physicalLocation;
            assert.strictEqual(loc.artifactLocation.uriBaseId, "%SRCROOT%");
            assert.ok(
                !path.isAbsolute(loc.artifactLocation.uri) &&
                    !loc.artifactLocation.uri.startsWith(".."),
            );
            assert.ok(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1);
            // The key GitHub matches alerts by: upload-sarif keeps it instead of hashing the line.
            assert.deepStrictEqual(Object.keys(r.partialFingerprints), ["primaryLocationLineHash"]);
            assert.strictEqual(r.partialFingerprints.primaryLocationLineHash, fingerprint(v));
        }
    });

    it("locates a result at its account's line in the stack file, else at the resource's URN in the input, never a guess", () => {
        const withFile = repo(STACK_FILE);
        const at = (log: Sarif, name: string) =>
            log.runs[0].results
                .filter((r) => r.message.text.startsWith(`${name}:`))
                .map((r) => r.locations[0].physicalLocation);
        const log = sarifFor(withFile.root, withFile.input);
        const accountLine = STACK_FILE.split("\n").indexOf(`      accountId: "${ACCOUNT}"`) + 1;
        assert.ok(at(log, "in-account").length > 0);
        for (const l of at(log, "in-account"))
            assert.deepStrictEqual(
                [l.artifactLocation.uri, l.region.startLine],
                [`Pulumi.${STACK}.yaml`, accountLine],
            );
        const inputText = fs.readFileSync(withFile.input, "utf8").split("\n");
        const urnLine = inputText.findIndex((l) => l.includes(urnOf("no-account"))) + 1;
        assert.ok(urnLine > 1);
        for (const l of at(log, "no-account"))
            assert.deepStrictEqual(
                [l.artifactLocation.uri, l.region.startLine],
                ["plan.json", urnLine],
            );
        // No stack file, or one without the account: the input, never the stack file.
        for (const { root, input } of [repo(), repo(STACK_FILE.replace(ACCOUNT, "999988887777"))]) {
            for (const l of at(sarifFor(root, input), "in-account"))
                assert.strictEqual(l.artifactLocation.uri, "plan.json");
        }
        // A token match only: an id inside a longer number is no match.
        assert.strictEqual(lineOf(`a: 1${ACCOUNT}\nb: "${ACCOUNT}"`, ACCOUNT), 2);
    });

    it("keeps fingerprints across runs and edits that move lines; distinct violations differ", () => {
        const a = repo(STACK_FILE);
        const b = repo(`# a comment that moves every line\n${STACK_FILE}`);
        const first = sarifFor(a.root, a.input).runs[0].results;
        const moved = sarifFor(b.root, b.input).runs[0].results;
        assert.notDeepStrictEqual(
            first.map((r) => r.locations[0].physicalLocation.region.startLine),
            moved.map((r) => r.locations[0].physicalLocation.region.startLine),
        );
        const prints = (rs: typeof first) =>
            rs.map((r) => r.partialFingerprints.primaryLocationLineHash);
        assert.deepStrictEqual(prints(moved), prints(first));
        assert.deepStrictEqual(prints(sarifFor(a.root, a.input).runs[0].results), prints(first));
        assert.strictEqual(new Set(prints(first)).size, first.length);
    });

    it("gives two resources' violations of one policy on one line (their account's) different primaryLocationLineHash", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "sarif-"));
        const input = path.join(root, "plan.json");
        const plan = { stack: STACK, resources: [open("first", ACCOUNT), open("second", ACCOUNT)] };
        fs.writeFileSync(input, JSON.stringify(plan, null, 2));
        fs.writeFileSync(path.join(root, `Pulumi.${STACK}.yaml`), STACK_FILE);
        const read = readInput(plan);
        const { violations } = checkAll(read, CONFIG);
        const first = violations.find((v) => v.resource === "first")!;
        // One of them suppressed: its (closed) alert must not be the other's.
        const config: PackConfigInput = {
            ...CONFIG,
            [first.policy]: {
                suppressions: [
                    {
                        resource: `${ROLE}::first`,
                        findings: [first.finding!],
                        reason: "TICKET-9",
                        expires: "2026-12-31",
                    },
                ],
            },
        };
        const now = new Date("2026-06-01T00:00:00Z");
        const results = sarifFor(root, input, config, now).runs[0].results.filter(
            (r) => r.ruleId === first.policy,
        );
        const line = STACK_FILE.split("\n").indexOf(`      accountId: "${ACCOUNT}"`) + 1;
        assert.deepStrictEqual(
            results.map((r) => [
                r.message.text.split(":")[0],
                r.locations[0].physicalLocation.region.startLine,
                r.suppressions !== undefined,
            ]),
            [
                ["second", line, false],
                ["first", line, true],
            ],
        );
        assert.notStrictEqual(
            results[0].partialFingerprints.primaryLocationLineHash,
            results[1].partialFingerprints.primaryLocationLineHash,
        );
    });

    it("lists a suppressed violation as a result with SARIF's external suppression and its justification", () => {
        const { root, input } = repo(STACK_FILE);
        const config: PackConfigInput = {
            ...CONFIG,
            "iam-no-wildcard-principal": {
                suppressions: [
                    {
                        resource: `${ROLE}::no-account`,
                        findings: checkAll(readInput(PLAN), CONFIG)
                            .violations.filter(
                                (v) =>
                                    v.policy === "iam-no-wildcard-principal" &&
                                    v.resource === "no-account",
                            )
                            .map((v) => v.finding!),
                        reason: "TICKET-7: partner role",
                        expires: "2026-12-31",
                    },
                ],
            },
        };
        const now = new Date("2026-06-01T00:00:00Z");
        const results = sarifFor(root, input, config, now).runs[0].results;
        const suppressed = results.filter((r) => r.suppressions);
        assert.deepStrictEqual(
            suppressed.map((r) => [r.ruleId, r.message.text.split(":")[0], r.suppressions]),
            [
                [
                    "iam-no-wildcard-principal",
                    "no-account",
                    [
                        {
                            kind: "external",
                            status: "accepted",
                            justification:
                                "TICKET-7: partner role (until 2026-12-31; policypack config, iam-no-wildcard-principal.suppressions)",
                        },
                    ],
                ],
            ],
        );
        // Past the expiry it is an ordinary result again.
        const later = sarifFor(root, input, config, new Date("2027-01-01T00:00:00Z")).runs[0]
            .results;
        assert.ok(later.every((r) => !r.suppressions));
        assert.strictEqual(later.length, results.length);
    });

    it("names files relative to the repository root; one outside it by its absolute file: URI", () => {
        const root = path.join(os.tmpdir(), "repo");
        assert.strictEqual(repoUri(path.join(root, "dir", "plan.json"), root), "dir/plan.json");
        assert.strictEqual(
            repoUri(path.join(os.tmpdir(), "plan.json"), root),
            `file://${path.join(os.tmpdir(), "plan.json")}`,
        );
    });

    it(`refuses more open violations than GitHub keeps of one run (${MAX_RESULTS}), leaving suppressed ones out first`, () => {
        assert.strictEqual(MAX_RESULTS, 5_000);
        const v = (i: number) => ({
            policy: POLICIES[0].name,
            resource: `r${i}`,
            message: "m",
            enforcementLevel: "mandatory",
        });
        const suppression = {
            resource: `${ROLE}::r`,
            findings: [],
            reason: "x",
            expires: "2026-12-31",
        };
        const located = (open: number, suppressed = 0) => [
            ...Array.from({ length: open }, (_, i) => ({
                violation: v(i),
                location: { uri: "a", line: 1 },
            })),
            ...Array.from({ length: suppressed }, (_, i) => ({
                violation: v(open + i),
                location: { uri: "a", line: 1 },
                suppression,
            })),
        ];
        const options = {
            policies: POLICIES,
            effective: resolvePackConfig(POLICIES, {}),
            version: "1.0.0",
        };
        const results = (open: number, suppressed = 0) =>
            (toSarif(located(open, suppressed), options) as Sarif).runs[0].results;
        assert.strictEqual(results(MAX_RESULTS).length, MAX_RESULTS);
        assert.throws(
            () => toSarif(located(MAX_RESULTS + 1), options),
            (e: Error) =>
                e instanceof CheckInputError &&
                /5001 open violations .*top 5000 by severity; https:\/\/docs\.github\.com/.test(
                    e.message,
                ),
        );
        // Over the limit with suppressed results: every open one kept, suppressed ones fill the rest.
        const mixed = results(MAX_RESULTS - 10, 20);
        assert.strictEqual(mixed.length, MAX_RESULTS);
        assert.strictEqual(mixed.filter((r) => !r.suppressions).length, MAX_RESULTS - 10);
        const full = results(MAX_RESULTS, 7);
        assert.strictEqual(full.length, MAX_RESULTS);
        assert.ok(full.every((r) => !r.suppressions));
    });

    it("writes the file and keeps the exit code: 1 on a mandatory violation", async () => {
        const { root, input } = repo();
        const out = path.join(root, "out.sarif");
        const r = await capture(["--sarif", out, input]);
        assert.strictEqual(r.code, 1, r.stderr);
        const log = JSON.parse(fs.readFileSync(out, "utf8")) as Sarif;
        assert.strictEqual(log.version, "2.1.0");
        assert.ok(log.runs[0].results.length > 0);
    });

    it("refuses an unwritable --sarif path with exit 2 before checking anything", async () => {
        const { root, input } = repo();
        const broken = path.join(root, "broken.json");
        fs.writeFileSync(broken, "{not json");
        for (const [target, why] of [
            [path.join(root, "missing", "out.sarif"), "does not exist"],
            [root, "is a folder"],
        ] as const) {
            // The INPUT is broken too: the SARIF path is refused first, so nothing was read.
            const r = await capture(["--sarif", target, broken]);
            assert.strictEqual(r.code, 2);
            assert.match(r.stderr, new RegExp(`--sarif .*${why}`));
            assert.doesNotMatch(r.stderr, /not valid JSON/);
        }
        const stdin = await capture(["--sarif", path.join(root, "x.sarif"), "-"]);
        assert.strictEqual(stdin.code, 2);
        assert.match(stdin.stderr, /give INPUT as a file, not stdin/);
        assert.ok(!fs.existsSync(path.join(root, "x.sarif")));
        // Writable: the same input is checked.
        assert.strictEqual(
            (await capture(["--sarif", path.join(root, "ok.sarif"), input])).code,
            1,
        );
    });
});
