import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { exitCodeOf } from "../../cli/exitCodes";
import {
    ConfigError,
    decodeValues,
    loadSecurityConfig,
    namespaceValues,
    parseStackFile,
    validateWorkloadConfig,
} from "../../config";
import { planStack, PlanResult } from "../../plan/run";
import { main } from "../../scripts/account";
import { AccountCommandError } from "../../scripts/accountErrors";
import { writeEdits } from "../../scripts/accountMove";
import { compareStacks, nextShard, placeAccounts } from "../../scripts/accountPlacement";
import { securityStack } from "../../stacks/security";
import {
    DEV,
    folderSnapshot,
    LOG_ARCHIVE,
    MANAGEMENT,
    PROD,
    rejection,
    securityStackText,
    stackFilesFolder,
    STAGING,
} from "../helpers";

// The base workload stack: a budget of 4, two accounts, comments, a flow list and a
// secrets-provider key of its own (which a new shard must not copy).
const BASE = `# The workload stack.
encryptionsalt: v1:base-stack-salt
config:
  aws:region: us-east-1
  org-access:securityAccountId: "111122223333"
  # Every account that gets the audit role.
  org-access:workloadAccounts:
    - name: prod # production
      accountId: "${PROD}"
    - name: staging
      accountId: "${STAGING}"
  org-access:maxAccountsPerStack: 4
  org-access:tags:
    CostCenter: security
  org-access:auditRole:
    managedPolicies: [SecurityAudit]
`;
const SECURITY = securityStackText();

/** A project folder of fixture stack files (never the repository's own). */
const project = (files: Record<string, string>) =>
    stackFilesFolder(files, "org-access-place-test-");

const snapshot = folderSnapshot;

const read = (root: string, stack: string) =>
    fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8");
const config = (text: string) => YAML.parse(text).config as Record<string, unknown>;
const accountsOf = (text: string) =>
    (config(text)["org-access:workloadAccounts"] as { name: string; accountId: string }[]).map(
        (a) => `${a.name}=${a.accountId}`,
    );
const ids = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({
        name: `team${from + i}`,
        accountId: String(200000000000 + from + i),
    }));

function add(root: string, args: string[]): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(["add", ...args], {
        root,
        out: { write: (s: string) => out.push(s) },
        err: { write: (s: string) => err.push(s) },
    }) as number;
    return { code, out: out.join(""), err: err.join("") };
}

function refused(f: () => unknown): string {
    try {
        f();
    } catch (e) {
        assert.ok(e instanceof AccountCommandError, `expected a refusal, got ${String(e)}`);
        return e.message;
    }
    assert.fail("expected a refusal");
}

/** The security stack of `root` and every workload stack it lists, planned as CI would. */
async function planAll(root: string): Promise<Record<string, PlanResult>> {
    const security = await planStack({
        stack: "security",
        configFile: path.join(root, "Pulumi.security.yaml"),
        build: () => securityStack(loadSecurityConfig("security", undefined, root)),
    });
    const plans: Record<string, PlanResult> = { security };
    const stacks = config(read(root, "security"))["org-access:workloadStacks"] as
        string[] | undefined;
    for (const stack of stacks ?? ["workload"])
        plans[stack] = await planStack({
            stack,
            configFile: path.join(root, `Pulumi.${stack}.yaml`),
            stackOutputs: { "organization/org-access/security": security.outputs },
        });
    return plans;
}

describe("account placement (account:add without --stack, account:import)", () => {
    it("fills Pulumi.workload.yaml to its budget, then opens workload-2 and workload-3 with its settings, lists them in workloadStacks, and every stack plans", async () => {
        const root = project({ workload: BASE, security: SECURITY });
        const placement = placeAccounts(root, ids(1, 8));
        assert.deepStrictEqual(
            placement.placed.map((p) => `${p.name}:${p.stack}`),
            [
                "team1:workload",
                "team2:workload",
                "team3:workload-2",
                "team4:workload-2",
                "team5:workload-2",
                "team6:workload-2",
                "team7:workload-3",
                "team8:workload-3",
            ],
        );
        assert.deepStrictEqual(placement.created, ["workload-2", "workload-3"]);
        assert.deepStrictEqual(placement.listed, ["workload-2", "workload-3"]);
        // Nothing is written until the edits are.
        assert.deepStrictEqual(fs.readdirSync(root).sort(), [
            "Pulumi.security.yaml",
            "Pulumi.workload.yaml",
        ]);
        writeEdits(placement.edits);

        const base = read(root, "workload");
        assert.strictEqual(
            base,
            BASE.replace(
                `      accountId: "${STAGING}"\n`,
                `      accountId: "${STAGING}"\n    - name: team1\n      accountId: "200000000001"\n    - name: team2\n      accountId: "200000000002"\n`,
            ),
        );
        const shard = read(root, "workload-2");
        assert.deepStrictEqual(accountsOf(shard), [
            "team3=200000000003",
            "team4=200000000004",
            "team5=200000000005",
            "team6=200000000006",
        ]);
        // Every setting of the base but its accounts, none of its secrets-provider keys, its own header.
        const { "org-access:workloadAccounts": baseAccounts, ...baseSettings } = config(base);
        const { "org-access:workloadAccounts": shardAccounts, ...shardSettings } = config(shard);
        assert.ok(baseAccounts && shardAccounts);
        assert.deepStrictEqual(shardSettings, baseSettings);
        assert.deepStrictEqual(Object.keys(YAML.parse(shard)), ["config"]);
        assert.match(
            shard,
            /^# workload-2: a shard of the workload stack, created with Pulumi\.workload\.yaml's settings/,
        );
        assert.doesNotMatch(shard, /# The workload stack\./);
        assert.match(
            shard,
            /# Every account that gets the audit role\.\n {2}org-access:workloadAccounts:\n {4}- name: team3\n/,
        );
        assert.deepStrictEqual(accountsOf(read(root, "workload-3")), [
            "team7=200000000007",
            "team8=200000000008",
        ]);
        // The security stack's default workloadStacks ([workload]) is written out with the shards.
        const security = read(root, "security");
        assert.strictEqual(
            security,
            `${SECURITY}\n  # The workload stacks whose roles the security groups may assume (docs/accounts.md#adding-or-removing-a-workload-account).\n  org-access:workloadStacks:\n    - workload\n    - workload-2\n    - workload-3\n`,
        );

        const plans = await planAll(root);
        assert.deepStrictEqual(Object.keys(plans), [
            "security",
            "workload",
            "workload-2",
            "workload-3",
        ]);
        // Each shard creates exactly its own accounts' audit roles, and the security stack grants all ten.
        const roleAccounts = (p: PlanResult) =>
            p.resources
                .filter(
                    (r) => r.type === "aws:iam/role:Role" && r.props.name === "SecurityAuditRole",
                )
                .map((r) => r.accountId)
                .sort();
        assert.deepStrictEqual(roleAccounts(plans["workload-2"]), [
            "200000000003",
            "200000000004",
            "200000000005",
            "200000000006",
        ]);
        // The groups' grant names the role once for the whole organization; the roles it reaches
        // are the security stack's grantedAuditRoleArns, read from every stack file.
        const granted = plans.security.outputs.grantedAuditRoleArns as string[];
        assert.deepStrictEqual(
            [...granted].sort(),
            [PROD, STAGING, ...ids(1, 8).map((a) => a.accountId)]
                .map((id) => `arn:aws:iam::${id}:role/SecurityAuditRole`)
                .sort(),
        );
    });

    it("fills the shards in natural order, and names a new shard after the highest one referred to", () => {
        const full = (n: number) =>
            BASE.replace(
                /(org-access:workloadAccounts:\n)[\s\S]*?(  org-access:maxAccountsPerStack)/,
                `$1${ids(100 * n, 4)
                    .map((a) => `    - name: ${a.name}\n      accountId: "${a.accountId}"\n`)
                    .join("")}$2`,
            );
        const root = project({
            workload: full(1),
            "workload-2": full(2),
            "workload-10": full(3).replace(/    - name: team302[\s\S]*?(  org-access:max)/, "$1"),
            "workload-9": full(4).replace(/    - name: team403[\s\S]*?(  org-access:max)/, "$1"),
            // Full, and not (or no longer) listed in workloadStacks: its name is taken all the same.
            "workload-14": full(5),
            security: securityStackText([
                "  org-access:workloadStacks: [workload, workload-2, workload-9, workload-10]",
            ]),
        });
        assert.deepStrictEqual(
            ["workload-10", "workload-2", "workload-9", "workload", "workload-eu"].sort(
                compareStacks,
            ),
            ["workload", "workload-2", "workload-9", "workload-10", "workload-eu"],
        );
        assert.strictEqual(nextShard(["workload", "workload-eu"]), "workload-2");
        const placement = placeAccounts(root, ids(1, 6));
        // workload-14 has a file: the next shard is workload-15, never a name in use.
        assert.deepStrictEqual(
            placement.placed.map((p) => `${p.name}:${p.stack}`),
            [
                "team1:workload-9",
                "team2:workload-10",
                "team3:workload-10",
                "team4:workload-15",
                "team5:workload-15",
                "team6:workload-15",
            ],
        );
        const security = placement.edits.find((e) => e.file.endsWith("Pulumi.security.yaml"));
        assert.match(
            String(security?.after),
            /org-access:workloadStacks: \[workload, workload-2, workload-9, workload-10, workload-15\]/,
        );
    });

    it("account:add: --stack wins while it has room, is refused when full (nothing written, exit 2), and without --stack places the account; account:remove finds it", () => {
        const root = project({
            workload: BASE.replace("encryptionsalt: v1:base-stack-salt\n", ""),
            "workload-eu": BASE.replace(
                /    - name: prod[\s\S]*?(  org-access:max)/,
                `    - name: eu1\n      accountId: "${DEV}"\n$1`,
            ),
            security: securityStackText(["  org-access:workloadStacks: [workload, workload-eu]"]),
        });
        let r = add(root, ["--name", "a1", "--id", "200000000001", "--stack", "workload-eu"]);
        assert.strictEqual(r.code, 0, r.err);
        assert.match(r.out, /^added a1 \(200000000001\) to .*Pulumi\.workload-eu\.yaml\n/);
        assert.deepStrictEqual(accountsOf(read(root, "workload-eu")), [
            `eu1=${DEV}`,
            "a1=200000000001",
        ]);
        add(root, ["--name", "a2", "--id", "200000000002", "--stack", "workload-eu"]);
        add(root, ["--name", "a3", "--id", "200000000003", "--stack", "workload-eu"]);
        const before = snapshot(root);
        r = add(root, ["--name", "a4", "--id", "200000000004", "--stack", "workload-eu"]);
        assert.strictEqual(r.code, 2);
        assert.strictEqual(
            r.err,
            "error: Pulumi.workload-eu.yaml is full: it lists 4 accounts and its maxAccountsPerStack is 4, the accounts one CI runner's memory holds (docs/BENCHMARKS.md); leave out --stack and account:add places the account in the first stack with room (or opens a shard), or raise the budget on a larger runner: pulumi config set --stack workload-eu org-access:maxAccountsPerStack 5\n",
        );
        assert.deepStrictEqual(snapshot(root), before);
        // Without --stack: workload has room (2 of 4).
        r = add(root, ["--name", "a4", "--id", "200000000004"]);
        assert.strictEqual(r.code, 0, r.err);
        assert.match(r.out, /^added a4 \(200000000004\) to .*Pulumi\.workload\.yaml\n/);
        assert.match(
            r.out,
            /^next: pulumi preview --stack workload --policy-pack policypack --policy-pack-config policypack\/policy-config\.json$/m,
        );
        add(root, ["--name", "a5", "--id", "200000000005"]);
        // Both full: a new shard, its diff and the stack init it needs.
        r = add(root, ["--name", "a6", "--id", "200000000006"]);
        assert.strictEqual(r.code, 0, r.err);
        assert.match(r.out, /^added a6 \(200000000006\) to .*Pulumi\.workload-2\.yaml\n/);
        assert.match(r.out, /^--- \/dev\/null\n\+\+\+ Pulumi\.workload-2\.yaml\n/m);
        assert.match(
            r.out,
            /^\+org-access:workloadStacks: \[workload, workload-eu, workload-2\]$|^\+ {2}org-access:workloadStacks: \[workload, workload-eu, workload-2\]$/m,
        );
        assert.match(
            r.out,
            /^note: Pulumi\.workload-2\.yaml is a new shard .*\(pulumi stack init workload-2\)$/m,
        );
        assert.deepStrictEqual(accountsOf(read(root, "workload-2")), ["a6=200000000006"]);
        // The base's header comment (here right above `config:`) describes the base, not the shard.
        assert.match(read(root, "workload-2"), /^# workload-2: a shard of the workload stack/);
        assert.doesNotMatch(read(root, "workload-2"), /# The workload stack\./);

        // account:remove without --stack finds the shard that lists the account.
        const out: string[] = [];
        const code = main(["remove", "--name", "a1"], {
            root,
            out: { write: (t: string) => out.push(t) },
            err: { write: (t: string) => out.push(t) },
        });
        assert.strictEqual(code, 0, out.join(""));
        assert.match(out.join(""), /^removed a1 from .*Pulumi\.workload-eu\.yaml; /);
        assert.deepStrictEqual(accountsOf(read(root, "workload-eu")), [
            `eu1=${DEV}`,
            "a2=200000000002",
            "a3=200000000003",
        ]);
    });

    it("account add --stack to a stack without a file says how to create it, with the security stack's region and id", () => {
        const root = project({ workload: BASE, security: SECURITY });
        const before = snapshot(root);
        const r = add(root, ["--name", "eu1", "--id", "444455556666", "--stack", "workload-eu"]);
        assert.strictEqual(r.code, 2, r.out + r.err);
        // Not `pulumi stack init` alone: on Pulumi Cloud it writes no file, so the command
        // would refuse again.
        assert.match(
            r.err,
            /Pulumi\.workload-eu\.yaml does not exist; create it: pulumi stack init workload-eu .*then pulumi config set --stack workload-eu aws:region us-east-1, then pulumi config set --stack workload-eu org-access:securityAccountId 111122223333, then/,
        );
        assert.doesNotMatch(r.err, /</);
        assert.deepStrictEqual(snapshot(root), before);
    });

    it("gives a new shard's pulumi stack init the base file's secrets provider, which the shard's file does not copy", () => {
        const KMS = "awskms://alias/org-access-state?region=us-east-1";
        const full = BASE.replace("maxAccountsPerStack: 4", "maxAccountsPerStack: 2");
        const initOf = (base: string) => {
            const root = project({ workload: base, security: SECURITY });
            const r = add(root, ["--name", "a1", "--id", "200000000001"]);
            assert.strictEqual(r.code, 0, r.err);
            const shard = YAML.parse(read(root, "workload-2")) as Record<string, unknown>;
            assert.deepStrictEqual(Object.keys(shard), ["config"]);
            return /^note: Pulumi\.workload-2\.yaml is a new shard .*\((pulumi stack init .*)\)$/m.exec(
                r.out,
            )?.[1];
        };
        assert.strictEqual(
            initOf(
                full.replace(
                    "encryptionsalt: v1:base-stack-salt\n",
                    `secretsprovider: ${KMS}\nencryptedkey: AQICAHhbase\n`,
                ),
            ),
            `pulumi stack init workload-2 --secrets-provider='${KMS}'`,
        );
        // A salt without a provider is the passphrase provider, the default of a self-managed
        // backend but not of Pulumi Cloud: named all the same.
        assert.strictEqual(
            initOf(full),
            "pulumi stack init workload-2 --secrets-provider='passphrase'",
        );
        // Neither: the base stack has its backend's default, and so will the shard.
        assert.strictEqual(
            initOf(full.replace("encryptionsalt: v1:base-stack-salt\n", "")),
            "pulumi stack init workload-2",
        );
    });

    it("refuses the management and log-archive accounts, with or without --stack, naming the key, nothing written (exit 2)", () => {
        const root = project({
            workload: BASE,
            security: securityStackText([
                "  org-access:logArchiveAccount:",
                `    accountId: "${LOG_ARCHIVE}"`,
            ]),
        });
        const before = snapshot(root);
        for (const [args, expected] of [
            [
                ["--name", "mgmt", "--id", MANAGEMENT],
                `org-access:managementAccount.accountId: stack "workload" lists the management account ${MANAGEMENT} as workload account "mgmt" (workloadAccounts[2]): SCPs never apply to it`,
            ],
            [
                ["--name", "logs", "--id", LOG_ARCHIVE, "--stack", "workload"],
                `org-access:logArchiveAccount.accountId: stack "workload" lists the log-archive account ${LOG_ARCHIVE} as workload account "logs" (workloadAccounts[2]): it holds the organization trail's bucket and key`,
            ],
        ] as const) {
            const r = add(root, [...args]);
            assert.strictEqual(r.code, 2, r.out);
            assert.ok(
                r.err.startsWith(`error: the security stack would be invalid:\n  * ${expected}`),
                r.err,
            );
        }
        assert.deepStrictEqual(snapshot(root), before);
    });

    it("refuses a name or id already in any stack file, or given twice, every problem at once, and writes nothing", () => {
        const root = project({
            workload: BASE,
            "workload-eu": BASE.replace(
                /    - name: prod[\s\S]*?(  org-access:max)/,
                `    - name: eu1\n      accountId: "${DEV}"\n$1`,
            ),
            security: SECURITY,
        });
        const before = snapshot(root);
        assert.strictEqual(
            refused(() =>
                placeAccounts(root, [
                    { name: "eu1", accountId: "200000000001" },
                    { name: "new", accountId: PROD },
                    { name: "twice", accountId: "200000000002" },
                    { name: "twice", accountId: "12345" },
                ]),
            ),
            [
                "account:add refused, nothing written (4 problems):",
                '* an account named "eu1" is already in Pulumi.workload-eu.yaml (workloadAccounts[0], 999988887777); choose another name (eu1-2 is free in every stack file) or remove it first',
                `* account ${PROD} is already in Pulumi.workload.yaml as "prod" (workloadAccounts[0]); each account is listed once`,
                '* "12345" is not an AWS account id: it must be exactly 12 digits, e.g. 123456789012',
                '* the name "twice" is given twice (accounts 3 and 4)',
            ].join("\n"),
        );
        assert.deepStrictEqual(snapshot(root), before);
    });

    it("leaves stackset-mode stacks to --stack, and never copies a secret into a new shard", () => {
        const stackset = BASE.replace(
            "  org-access:auditRole:\n    managedPolicies: [SecurityAudit]\n",
            '  org-access:deploymentMode: stackset\n  org-access:stackSet:\n    adminAccount: { accountId: "123456789012" }\n    organizationalUnitIds: [ou-ab12-cdefgh34]\n',
        ).replace(
            /    - name: prod[\s\S]*?(  org-access:max)/,
            '    - name: ss1\n      accountId: "200000000091"\n$1',
        );
        const root = project({
            workload: BASE.replace("maxAccountsPerStack: 4", "maxAccountsPerStack: 2"),
            "workload-ss": stackset.replace("maxAccountsPerStack: 4", "maxAccountsPerStack: 2"),
            security: SECURITY,
        });
        const placement = placeAccounts(root, ids(1, 1));
        assert.deepStrictEqual(
            placement.placed.map((p) => p.stack),
            ["workload-2"],
        );
        const explicit = placeAccounts(root, ids(1, 3), { stack: "workload-ss" });
        assert.deepStrictEqual(
            explicit.placed.map((p) => p.stack),
            ["workload-ss", "workload-ss", "workload-ss"],
        );

        const secret = project({
            workload: BASE.replace("maxAccountsPerStack: 4", "maxAccountsPerStack: 2").replace(
                "  org-access:tags:",
                "  org-access:trustedPrincipals:\n    humanArns: [arn:aws:iam::111122223333:user/alice]\n    reporters:\n      - name: r\n        arn: arn:aws:iam::111122223333:user/r\n        externalId:\n          secure: v1:abcdef\n  org-access:tags:",
            ),
            security: SECURITY,
        });
        const before = snapshot(secret);
        assert.match(
            refused(() => placeAccounts(secret, ids(1, 1))),
            /^org-access:trustedPrincipals\.reporters\[0\]\.externalId in Pulumi\.workload\.yaml is encrypted for workload's secrets provider, so it cannot be copied into a new Pulumi\.workload-2\.yaml: create the stack \(pulumi stack init workload-2 --secrets-provider='passphrase'\), copy the settings \(pulumi config cp --stack workload --dest workload-2\), remove its accounts, then run the command again$/,
        );
        assert.deepStrictEqual(snapshot(secret), before);
    });

    it("refuses a stack file whose maxAccountsPerStack or deploymentMode it cannot read, naming the key and the fix, instead of taking it for stackset mode", () => {
        const root = project({
            workload: BASE.replace("maxAccountsPerStack: 4", 'maxAccountsPerStack: "ten"'),
            "workload-eu": BASE.replace("maxAccountsPerStack: 4", "maxAccountsPerStack: 0"),
            "workload-us": BASE.replace(
                "  org-access:tags:",
                "  org-access:deploymentMode: Provider\n  org-access:tags:",
            ),
            security: securityStackText([
                "  org-access:workloadStacks: [workload, workload-eu, workload-us]",
            ]),
        });
        const before = snapshot(root);
        const expected = [
            "account:add refused, nothing written (3 problems):",
            '* Pulumi.workload.yaml: org-access:maxAccountsPerStack is "ten", but it must be a whole number of accounts, at least 1 (pulumi config set --stack workload org-access:maxAccountsPerStack 10, the default)',
            '* Pulumi.workload-eu.yaml: org-access:maxAccountsPerStack is "0", but it must be a whole number of accounts, at least 1 (pulumi config set --stack workload-eu org-access:maxAccountsPerStack 10, the default)',
            '* Pulumi.workload-us.yaml: org-access:deploymentMode is "Provider", but it must be provider or stackset (pulumi config set --stack workload-us org-access:deploymentMode provider)',
        ].join("\n");
        assert.strictEqual(
            refused(() => placeAccounts(root, ids(1, 1))),
            expected,
        );
        const r = add(root, ["--name", "newone", "--id", "313131313131"]);
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.err, `error: ${expected}\n`);
        assert.deepStrictEqual(snapshot(root), before);
        // A readable budget and mode place as before.
        const fixed = project({
            workload: BASE.replace("maxAccountsPerStack: 4", 'maxAccountsPerStack: "3"'),
            security: SECURITY,
        });
        assert.deepStrictEqual(
            placeAccounts(fixed, ids(1, 2)).placed.map((p) => p.stack),
            ["workload", "workload-2"],
        );
    });

    it("loads the security stack over the result before writing: a problem in any shard it lists refuses the placement, nothing written", () => {
        const root = project({
            workload: BASE.replace("maxAccountsPerStack: 4", "maxAccountsPerStack: 2").replace(
                `      accountId: "${STAGING}"\n`,
                `      accountId: "${STAGING}"\n      breakGlassRole: true\n`,
            ),
            security: SECURITY.concat("\n  org-access:breakGlass:\n    users: [dana]"),
        });
        // Placing works while the security stack is consistent.
        assert.strictEqual(placeAccounts(root, ids(1, 1)).placed[0].stack, "workload-2");
        const broken = project({
            workload: read(root, "workload"),
            security: SECURITY.concat(
                "\n  org-access:breakGlass:\n    users: [dana]\n  org-access:workloadStacks: [workload, workload-2]",
            ),
            "workload-2": BASE.replace(
                /    - name: prod[\s\S]*?(  org-access:max)/,
                `    - name: x\n      accountId: "200000000099"\n      incidentResponseRole: true\n$1`,
            ),
        });
        const before = snapshot(broken);
        assert.strictEqual(
            refused(() => placeAccounts(broken, ids(1, 1))),
            "the security stack would be invalid:\n  * org-access:incidentResponse: is not configured, but workload-2/x set incidentResponseRole: true (pulumi config set --stack security --path 'org-access:incidentResponse.responders[0]' incident-responder)",
        );
        assert.deepStrictEqual(snapshot(broken), before);
    });
});

describe("maxAccountsPerStack under the program", () => {
    it("refuses to plan a workload stack above its budget (exit 2), naming the key and the fix", async () => {
        const values = (n: number, extra = "") =>
            `config:\n  aws:region: us-east-1\n  org-access:securityAccountId: "111122223333"\n  org-access:trustedPrincipals:\n    humanArns: [arn:aws:iam::111122223333:user/alice]\n${extra}  org-access:workloadAccounts:\n${ids(
                1,
                n,
            )
                .map((a) => `    - name: ${a.name}\n      accountId: "${a.accountId}"\n`)
                .join("")}`;
        const root = project({
            workload: values(11),
            "workload-2": values(11, "  org-access:maxAccountsPerStack: 11\n"),
        });
        const e = await rejection(
            planStack({ stack: "workload", configFile: path.join(root, "Pulumi.workload.yaml") }),
        );
        assert.ok(e instanceof ConfigError, String(e));
        assert.strictEqual(exitCodeOf(e).code, 2);
        assert.match(
            e.message,
            /^\* org-access:workloadAccounts: lists 11 accounts, more than maxAccountsPerStack allows \(10, the default\): .* \(move 1 account to a shard, one at a time: npx org-access account move --name team11 --from workload --to workload-2 --write \(or the next workload-N shard when workload-2 is full\); or, on a runner with more memory, raise the budget: pulumi config set --stack workload org-access:maxAccountsPerStack 11\)$/m,
        );
        // The same accounts with the budget raised plan: eleven providers, eleven audit roles.
        const plan = await planStack({
            stack: "workload-2",
            configFile: path.join(root, "Pulumi.workload-2.yaml"),
        });
        assert.strictEqual(
            plan.resources.filter((r) => r.type === "pulumi:providers:aws").length,
            11,
        );
        const { config: raw } = parseStackFile(read(root, "workload-2"), "x");
        assert.strictEqual(
            validateWorkloadConfig({
                values: namespaceValues(decodeValues(raw)),
                region: "us-east-1",
            }).maxAccountsPerStack,
            11,
        );
    });
});
