import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { loadSecurityConfig } from "../../config";
import { planStack } from "../../plan/run";
import { main } from "../../scripts/account";
import { AccountCommandError } from "../../scripts/accountErrors";
import { configName, globPattern, importAccounts, parseListing } from "../../scripts/accountImport";
import { securityStack } from "../../stacks/security";
import {
    folderSnapshot,
    LOG_ARCHIVE,
    MANAGEMENT,
    PROD,
    SECURITY,
    securityStackText,
    stackFilesFolder,
    STAGING,
} from "../helpers";

const WORKLOAD = `# The workload stack.
config:
  aws:region: us-east-1
  org-access:securityAccountId: "111122223333"
  # Every account that gets the audit role.
  org-access:workloadAccounts:
    - name: prod # production
      accountId: "${PROD}"
    - name: staging
      accountId: "${STAGING}"
  org-access:tags:
    CostCenter: security
`;
const SECURITY_FILE = securityStackText([
    "  org-access:logArchiveAccount:",
    `    accountId: "${LOG_ARCHIVE}"`,
]);

/** A project folder of fixture stack files (never the repository's own). */
const project = (files: Record<string, string>) =>
    stackFilesFolder(files, "org-access-import-test-");

const snapshot = folderSnapshot;

type Acct = { Id: string; Name: string; State?: string; Status?: string };
/** An account as list-accounts prints it (since 2025 with both State and Status). */
const acct = (id: string, name: string, state = "ACTIVE"): Acct & Record<string, unknown> => ({
    Id: id,
    Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-abcdefghij/${id}`,
    Email: `aws+${id}@example.com`,
    Name: name,
    State: state,
    Status: state === "CLOSED" || state === "PENDING_ACTIVATION" ? "SUSPENDED" : state,
    JoinedMethod: "CREATED",
    JoinedTimestamp: "2024-01-01T00:00:00+00:00",
});
const listing = (accounts: object[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({ Accounts: accounts, ...extra }, null, 4);
const org = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => acct(String(200000000000 + from + i), `Team ${from + i}`));

function refused(f: () => unknown): string {
    try {
        f();
    } catch (e) {
        assert.ok(e instanceof AccountCommandError, `expected a refusal, got ${String(e)}`);
        return e.message;
    }
    assert.fail("expected a refusal");
}

function run(root: string, args: string[]): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(["import", ...args], {
        root,
        out: { write: (s: string) => out.push(s) },
        err: { write: (s: string) => err.push(s) },
    }) as number;
    return { code, out: out.join(""), err: err.join("") };
}

const accountsOf = (root: string, stack: string) =>
    (
        YAML.parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")).config[
            "org-access:workloadAccounts"
        ] as { name: string; accountId: string }[]
    ).map((a) => `${a.name}=${a.accountId}`);

describe("account:import", () => {
    it("reads State (or the retired Status), and skips, with the reason, what is not ACTIVE, the security stack's own accounts and accounts already listed", () => {
        const root = project({ workload: WORKLOAD, security: SECURITY_FILE });
        const suspendedByState = { ...acct("200000000004", "Old"), State: "SUSPENDED" };
        const statusOnly: Acct = { Id: "200000000005", Name: "Legacy", Status: "ACTIVE" };
        const plan = importAccounts(
            listing([
                acct(SECURITY, "Security"),
                acct(MANAGEMENT, "Management"),
                acct(LOG_ARCHIVE, "Log Archive"),
                acct(PROD, "Production"),
                acct("200000000001", "Payments"),
                acct("200000000002", "Closed one", "CLOSED"),
                acct("200000000003", "Joining", "PENDING_ACTIVATION"),
                suspendedByState,
                statusOnly,
            ]),
            {},
            root,
        );
        assert.deepStrictEqual(
            plan.placed.map((p) => `${p.name}=${p.accountId}:${p.stack}`),
            ["payments=200000000001:workload", "legacy=200000000005:workload"],
        );
        assert.deepStrictEqual(
            plan.skipped.map((s) => `${s.accountId}: ${s.reason}`),
            [
                `${SECURITY}: the security account (Pulumi.security.yaml)`,
                `${MANAGEMENT}: the management account (Pulumi.security.yaml)`,
                `${LOG_ARCHIVE}: the log-archive account (Pulumi.security.yaml)`,
                `${PROD}: already in Pulumi.workload.yaml as "prod"`,
                "200000000002: CLOSED, not ACTIVE",
                "200000000003: PENDING_ACTIVATION, not ACTIVE",
                "200000000004: SUSPENDED, not ACTIVE",
            ],
        );
        // staging is in the stack file but not in the listing: said, never removed.
        assert.deepStrictEqual(
            plan.notes.filter((n) => n.includes(STAGING)),
            [
                `staging (${STAGING}) in Pulumi.workload.yaml is not in the listing: if it left the organization, remove it (npx org-access account remove --name staging -s workload)`,
            ],
        );
    });

    it("derives valid, unique config names from the AWS names, never starting acct-", () => {
        const taken = new Set(["prod"]);
        const cases: [string, string, string][] = [
            ["Prod", "200000000001", "prod-0001"],
            ["Data Lake (EU) – Prod", "200000000002", "data-lake-eu-prod"],
            ["Ünïcode_Name.x", "200000000003", "unicode-name-x"],
            ["acct-legacy", "200000000004", "account-legacy"],
            ["ACCT-Legacy", "200000000005", "account-legacy-0005"],
            ["!!!", "200000000006", "account-200000000006"],
            ["x".repeat(80), "200000000007", "x".repeat(63)],
            ["x".repeat(80), "200000000008", `${"x".repeat(58)}-0008`],
        ];
        for (const [awsName, id, expected] of cases) {
            const name = configName(awsName, id, taken);
            assert.strictEqual(name, expected, awsName);
            assert.match(name, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
            taken.add(name);
        }
        // The last four digits taken too: the whole id.
        assert.strictEqual(
            configName("Prod", "300000000001", new Set(["prod", "prod-0001"])),
            "prod-300000000001",
        );
    });

    it("filters by OU listings (list-accounts-for-parent) and by name globs, both together", () => {
        const root = project({ workload: WORKLOAD, security: SECURITY_FILE });
        const all = [
            acct("200000000001", "prod-payments"),
            acct("200000000002", "prod-search"),
            acct("200000000003", "dev-payments"),
            acct("200000000004", "sandbox-1"),
        ];
        const ou = listing([all[0], all[2], all[3]]);
        const plan = importAccounts(
            listing(all),
            {
                ous: [{ ouId: "ou-ab12-cdefgh34", text: ou }],
                namePatterns: ["*-PAYMENTS", "sandbox-?"],
            },
            root,
        );
        assert.deepStrictEqual(
            plan.placed.map((p) => p.name),
            ["prod-payments", "dev-payments", "sandbox-1"],
        );
        assert.deepStrictEqual(plan.filtered, { ou: 1, namePattern: 0 });
        const byName = importAccounts(listing(all), { namePatterns: ["prod-*"] }, root);
        assert.deepStrictEqual(
            byName.placed.map((p) => p.name),
            ["prod-payments", "prod-search"],
        );
        assert.deepStrictEqual(byName.filtered, { ou: 0, namePattern: 2 });
        // A glob matches the whole name; its other characters are literal.
        assert.ok(globPattern("a.b*").test("A.B-c"));
        assert.ok(!globPattern("a.b*").test("axb"));
        assert.ok(!globPattern("prod").test("prod-x"));
    });

    it("reads pages saved one after another, and refuses an incomplete, malformed or inconsistent listing, every problem at once, writing nothing", () => {
        const pages = `${listing(org(2), { NextToken: "abc" })}\n${listing(org(2, 3))}\n`;
        assert.deepStrictEqual(
            parseListing(`\uFEFF${pages}`, "accounts.json").accounts.map((a) => a.Id),
            ["200000000001", "200000000002", "200000000003", "200000000004"],
        );
        assert.deepStrictEqual(
            parseListing(listing(org(1), { NextToken: "more" }), "a.json").problems,
            [
                "a.json is incomplete: its last page has a NextToken, so the organization has more accounts; run the command without --max-items or --no-paginate (the AWS CLI then follows every page)",
            ],
        );
        assert.deepStrictEqual(parseListing('{"Accounts": [', "a.json").problems, [
            "a.json is not valid JSON (the value that starts on line 1): Unexpected end of JSON input; give the output of aws organizations list-accounts as it is printed (--output json)",
        ]);

        const root = project({ workload: WORKLOAD, security: SECURITY_FILE });
        const before = snapshot(root);
        const message = refused(() =>
            importAccounts(
                `${listing([
                    acct("200000000001", "A"),
                    { Id: "12345", Name: "Short" },
                    { Id: "200000000002" },
                ])}\n${JSON.stringify([acct("200000000003", "B")])}\n${listing([acct("200000000001", "A again")])}`,
                {
                    source: "accounts.json",
                    ous: [
                        { ouId: "ou-nope", text: listing([]) },
                        {
                            ouId: "ou-ab12-cdefgh34",
                            text: listing([acct("200000000009", "Elsewhere")]),
                            source: "ou.json",
                        },
                    ],
                },
                root,
            ),
        );
        assert.strictEqual(
            message,
            [
                "account:import refused, nothing written (5 problems):",
                '* accounts.json, page 1: Accounts[1]: its Id "12345" is not a 12-digit account id; it has neither State nor Status',
                "* accounts.json, page 1: Accounts[2]: it has no Name; it has neither State nor Status",
                '* accounts.json, page 2 is not the output of aws organizations list-accounts: expected an object {"Accounts": [...]} (a bare list: run the command without --query)',
                "* accounts.json, page 3: Accounts[0]: account 200000000001 is listed twice (also as account 1); save each page once",
                '* --ou "ou-nope" is not an OU id (ou-ab12-cdefgh34) or a root id (r-ab12)',
            ].join("\n"),
        );
        // With a listing that reads, an OU listing must agree with it.
        assert.strictEqual(
            refused(() =>
                importAccounts(
                    listing(org(2)),
                    {
                        source: "accounts.json",
                        ous: [
                            {
                                ouId: "ou-ab12-cdefgh34",
                                text: listing([org(1)[0], acct("200000000009", "Elsewhere")]),
                                source: "ou.json",
                            },
                        ],
                    },
                    root,
                ),
            ),
            "ou.json lists 200000000009 (Elsewhere), which accounts.json does not: take both listings at the same time",
        );
        assert.deepStrictEqual(snapshot(root), before);
    });

    it("names the base file's secrets provider in each new shard's pulumi stack init", () => {
        const KMS = "awskms://alias/org-access-state?region=us-east-1";
        const root = project({
            workload: `secretsprovider: ${KMS}\nencryptedkey: AQICAHhbase\n${WORKLOAD}`,
            security: SECURITY_FILE,
        });
        const file = path.join(root, "accounts.json");
        fs.writeFileSync(file, listing(org(9)));
        const dry = run(root, [file]);
        assert.strictEqual(dry.code, 0, dry.err);
        assert.match(
            dry.out,
            new RegExp(
                `^Then, after --write: pulumi stack init workload-2 --secrets-provider='${KMS.replace(/[?.]/g, "\\$&")}'; npx org-access \\(the offline plan`,
                "m",
            ),
        );
    });

    it("is a dry run by default (what goes where and the diffs, nothing written); --write writes every file; a second import adds nothing", async () => {
        const root = project({ workload: WORKLOAD, security: SECURITY_FILE });
        const file = path.join(root, "accounts.json");
        // Pulumi.workload.yaml has 2 accounts and the default budget of 10: 8 more there, then 10
        // in a new workload-2, and the last 5 in a new workload-3.
        fs.writeFileSync(file, listing([acct(PROD, "Production"), ...org(23)]));
        const before = snapshot(root);
        const dry = run(root, [file]);
        assert.strictEqual(dry.code, 0, dry.err);
        assert.deepStrictEqual(snapshot(root), before);
        const out = dry.out;
        assert.match(
            out,
            /^account:import: 23 of 24 accounts to add \(dry run: nothing written; --write writes the files\)$/m,
        );
        assert.match(out, /^Pulumi\.workload\.yaml:\n {2}\+ team-1 \(200000000001, "Team 1"\)$/m);
        assert.match(
            out,
            /^Pulumi\.workload-2\.yaml \(new\):\n {2}\+ team-9 \(200000000009, "Team 9"\)$/m,
        );
        assert.match(out, /^Pulumi\.workload-3\.yaml \(new\):\n {2}\+ team-19 /m);
        assert.match(
            out,
            /^Pulumi\.security\.yaml: org-access:workloadStacks \+= workload-2, workload-3$/m,
        );
        assert.match(
            out,
            new RegExp(
                `^ {2}- ${PROD} "Production": already in Pulumi\\.workload\\.yaml as "prod"$`,
                "m",
            ),
        );
        assert.match(out, /^--- Pulumi\.workload\.yaml\n\+\+\+ Pulumi\.workload\.yaml\n/m);
        assert.match(out, /^\+ {4}- name: team-8\n\+ {6}accountId: "200000000008"$/m);
        assert.match(out, /^--- \/dev\/null\n\+\+\+ Pulumi\.workload-3\.yaml\n/m);
        assert.match(
            out,
            /^Then, after --write: pulumi stack init workload-2; pulumi stack init workload-3; npx org-access \(the offline plan/m,
        );

        const wrote = run(root, [file, "--write"]);
        assert.strictEqual(wrote.code, 0, wrote.err);
        assert.match(wrote.out, /^account:import: 23 of 24 accounts to add$/m);
        assert.deepStrictEqual(accountsOf(root, "workload").length, 10);
        assert.deepStrictEqual(accountsOf(root, "workload-2").length, 10);
        assert.deepStrictEqual(accountsOf(root, "workload-3"), [
            "team-19=200000000019",
            "team-20=200000000020",
            "team-21=200000000021",
            "team-22=200000000022",
            "team-23=200000000023",
        ]);
        // The existing file keeps its comments and order: the new entries go after staging.
        const [head, tail] = WORKLOAD.split("  org-access:tags:\n");
        const entries = Array.from(
            { length: 8 },
            (_, i) => `    - name: team-${i + 1}\n      accountId: "20000000000${i + 1}"\n`,
        ).join("");
        assert.strictEqual(
            fs.readFileSync(path.join(root, "Pulumi.workload.yaml"), "utf8"),
            `${head}${entries}  org-access:tags:\n${tail}`,
        );

        // The files plan: the security stack over all three, each shard with its outputs.
        const security = await planStack({
            stack: "security",
            configFile: path.join(root, "Pulumi.security.yaml"),
            build: () => securityStack(loadSecurityConfig("security", undefined, root)),
        });
        for (const stack of ["workload", "workload-2", "workload-3"]) {
            const plan = await planStack({
                stack,
                configFile: path.join(root, `Pulumi.${stack}.yaml`),
                stackOutputs: { "organization/org-access/security": security.outputs },
            });
            assert.strictEqual(
                plan.resources.filter((r) => r.type === "pulumi:providers:aws").length,
                accountsOf(root, stack).length,
                stack,
            );
        }

        const again = run(root, [file, "--write"]);
        assert.strictEqual(again.code, 0, again.err);
        assert.match(again.out, /^account:import: 0 of 24 accounts to add$/m);
        assert.match(again.out, /^skipped \(24\):$/m);
    });

    it("parses its arguments strictly, every problem at once (exit 2)", () => {
        const root = project({ workload: WORKLOAD, security: SECURITY_FILE });
        const r = run(root, [
            "--ou",
            "ou-ab12-cdefgh34",
            "--stack",
            "workload",
            "--name-pattern",
            "",
        ]);
        assert.strictEqual(r.code, 2);
        assert.match(
            r.err,
            /^error: import takes no --stack: it places every account in the first stack with room\nimport needs FILE, the output of aws organizations list-accounts \(aws organizations list-accounts > accounts\.json\)\n--ou "ou-ab12-cdefgh34" must be OU_ID=FILE, e\.g\. --ou ou-ab12-cdefgh34=prod-ou\.json \(the output of aws organizations list-accounts-for-parent --parent-id ou-ab12-cdefgh34\)\n--name-pattern must not be empty \(use \* for every name\)\n/,
        );
        const missing = run(root, [
            path.join(root, "nope.json"),
            "--ou",
            `ou-ab12-cdefgh34=${path.join(root, "ou.json")}`,
        ]);
        assert.strictEqual(missing.code, 2);
        assert.match(
            missing.err,
            /^error: cannot read the listing .*nope\.json: ENOENT\ncannot read the listing of ou-ab12-cdefgh34 .*ou\.json: ENOENT\n$/,
        );
    });
});
