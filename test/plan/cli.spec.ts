import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../../cli/command";
import { main, parseArgs } from "../../plan/cli";
import { DEFAULT_POLICY_CONFIG, packConfigFor, runPlan } from "../../plan/offline";
import { checkResources, loadPackConfig } from "../../policypack/runner";
import { toPackResource } from "../../plan/run";
import { readStackFile, stackFilePath } from "../../config";
import { readProjectStacks } from "../../stacks/stackFiles";
import { securityStackText } from "../helpers";
import { exampleProject } from "../helpers/preview";
import { readingUserStackFiles } from "../userStackFiles";
import { isolatePlanState } from "../helpers/planState";

/**
 * The project every plan of this spec reads (-C): example-like stack files with the test ids, never
 * the repository's own Pulumi.<stack>.yaml, which are the user's to edit (one test below plans those).
 */
const ROOT = exampleProject();

/** Runs the CLI in-process on the fixture project and captures what it prints. */
function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    return runOn(["-C", ROOT, ...argv]);
}

/** Runs the CLI in-process with exactly these arguments and captures what it prints. */
async function runOn(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const sink = (f: (s: string) => void) => ({ write: (s: string) => f(s) });
    const code = await main(
        argv,
        sink((s) => (out += s)),
        sink((s) => (err += s)),
    );
    return { code, out, err };
}

function tempStackFile(text: string): string {
    const file = path.join(
        fs.mkdtempSync(path.join(os.tmpdir(), "org-access-cli-")),
        "Pulumi.workload.yaml",
    );
    fs.writeFileSync(file, text);
    return file;
}

describe("offline plan CLI", () => {
    // Each plan saves itself for the next to compare with: in a folder of these tests' own.
    isolatePlanState();

    it("plans the workload stack: an MFA-guarded SecurityAuditRole in every account of its stack file", async () => {
        const { code, out, err } = await run("--stack", "workload", "--json");
        assert.strictEqual(code, 0, err);
        const plan = JSON.parse(out);
        assert.strictEqual(plan.stack, "workload");
        const accounts = JSON.parse(
            readStackFile(stackFilePath("workload", ROOT)).config["org-access:workloadAccounts"],
        ) as { name: string; accountId: string }[];
        assert.ok(accounts.length >= 2);
        for (const a of accounts) {
            const roles = plan.resources.filter(
                (r: any) =>
                    r.type === "aws:iam/role:Role" &&
                    r.accountId === a.accountId &&
                    r.props.name === "SecurityAuditRole",
            );
            assert.strictEqual(roles.length, 1, a.name);
            const trust = JSON.parse(roles[0].props.assumeRolePolicy);
            const human = trust.Statement.find((s: any) => s.Sid === "HumansWithMfa");
            assert.deepStrictEqual(human.Condition.Bool, { "aws:MultiFactorAuthPresent": "true" });
            assert.ok(human.Condition.NumericLessThan["aws:MultiFactorAuthAge"]);
        }
        const urns = new Set(plan.resources.map((r: any) => r.urn));
        for (const r of plan.resources) {
            assert.deepStrictEqual(Object.keys(r), [
                "type",
                "name",
                "urn",
                "accountId",
                "accountName",
                "props",
                ...(r.parent ? ["parent"] : []),
                ...(r.provider ? ["provider"] : []),
                "options",
            ]);
            // By URN, for policy:check to run the stack policies as the plan does.
            if (r.type !== "pulumi:providers:aws") assert.ok(urns.has(r.provider), r.urn);
        }
        const provider = plan.resources.find((r: any) => r.type === "pulumi:providers:aws");
        assert.ok(
            Array.isArray(provider.props.allowedAccountIds),
            "provider props are shown as values, not JSON strings",
        );
    });

    it("plans the security stack into the security, management and log-archive accounts", async () => {
        const { code, out, err } = await run("--stack", "security", "--json");
        assert.strictEqual(code, 0, err);
        const plan = JSON.parse(out);
        const config = readStackFile(stackFilePath("security", ROOT)).config;
        const accountsOf = (type: string) => [
            ...new Set(
                plan.resources.filter((r: any) => r.type === type).map((r: any) => r.accountId),
            ),
        ];
        assert.deepStrictEqual(accountsOf("aws:iam/user:User"), [
            config["org-access:securityAccountId"],
        ]);
        assert.deepStrictEqual(accountsOf("aws:cloudtrail/trail:Trail"), [
            JSON.parse(config["org-access:managementAccount"]).accountId,
        ]);
        assert.deepStrictEqual(accountsOf("aws:s3/bucket:Bucket"), [
            JSON.parse(config["org-access:logArchiveAccount"]).accountId,
        ]);
        for (const r of plan.resources)
            if (r.type.startsWith("aws:")) assert.match(r.accountId, /^\d{12}$/, r.name);
    });

    it("shows each resource's protect, retainOnDelete and dependsOn options in --json", async () => {
        const { code, out, err } = await run("--stack", "security", "--json");
        assert.strictEqual(code, 0, err);
        const plan = JSON.parse(out);
        const named = (type: string, name: string) => {
            const found = plan.resources.filter((r: any) => r.type === type && r.name === name);
            assert.strictEqual(found.length, 1, `${type} ${name}`);
            return found[0];
        };
        assert.deepStrictEqual(named("aws:cloudtrail/trail:Trail", "org-trail-trail").options, {
            protect: true,
            retainOnDelete: true,
            dependsOn: [
                "org-trail-bucket-object-lock",
                "org-trail-bucket-policy",
                "org-trail-cloudwatch-delivery",
            ],
            aliases: [],
        });
        assert.deepStrictEqual(named("aws:s3/bucket:Bucket", "org-trail-bucket").options, {
            protect: true,
            retainOnDelete: true,
            dependsOn: [],
            // @pulumi/aws itself aliases s3.Bucket to its earlier type, BucketV2 (s3/bucket.js).
            aliases: [
                "urn:pulumi:security::org-access::org-access:logging:OrgTrail$aws:s3/bucketV2:BucketV2::org-trail-bucket",
            ],
        });
        // A resource registered without these options shows them off.
        assert.deepStrictEqual(named("aws:iam/group:Group", "security-access-auditors").options, {
            protect: false,
            retainOnDelete: false,
            dependsOn: [],
            aliases: [],
        });
        for (const r of plan.resources) {
            assert.deepStrictEqual(Object.keys(r.options), [
                "protect",
                "retainOnDelete",
                "dependsOn",
                "aliases",
            ]);
            assert.strictEqual(typeof r.options.protect, "boolean", r.name);
            assert.ok(Array.isArray(r.options.dependsOn), r.name);
        }
    });

    it("plans both stacks without --stack", async () => {
        const { code, out } = await run("--json");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(
            JSON.parse(out).stacks.map((s: any) => s.stack),
            ["security", "workload"],
        );
    });

    // The one test that reads the repository's own stack files: they are the user's, so it asserts
    // only what any valid set of them must give (whatever accounts and ids they list), which is
    // what `pulumi up` and CI need too.
    it("plans the project's own stack files cleanly: every stack, no violation, every scenario and proof as designed", async () => {
        const { code, out, err, security, workload } = await readingUserStackFiles(async () => ({
            // In this process: the guard lets only it read them, never a worker process.
            ...(await runOn(["--json", "--workers", "1"])),
            ...readProjectStacks(),
        }));
        assert.strictEqual(code, 0, err);
        const stacks = JSON.parse(out).stacks;
        assert.deepStrictEqual(
            stacks.map((s: any) => s.stack),
            [security, ...workload],
        );
        for (const st of stacks) {
            assert.deepStrictEqual(
                st.violations.filter((v: any) => v.enforcementLevel === "mandatory"),
                [],
                st.stack,
            );
            assert.deepStrictEqual(
                st.evidence.filter((e: any) => e.simulated !== e.expected),
                [],
                st.stack,
            );
            assert.deepStrictEqual(
                st.proofs.filter((p: any) => !p.holds).map((p: any) => p.id),
                [],
                st.stack,
            );
        }
    });

    it("--verbose prints every resource in a table grouped by account", async () => {
        const { code, out } = await run("--stack", "workload", "--verbose");
        assert.strictEqual(code, 0);
        assert.match(out, /^stack workload \(region us-east-1\): \d+ resources in 3 accounts/);
        assert.match(out, /\naccount 777788889999 \(prod\)\n/);
        assert.match(
            out,
            /aws:iam\/role:Role\s+acct-777788889999-role\s+SecurityAuditRole \(max session 3600 s\)/,
        );
    });

    it("exits 2 on invalid config, naming every bad key, with no stack trace", async () => {
        const file = tempStackFile(
            [
                "config:",
                "  aws:region: us-east-1",
                '  org-access:securityAccountId: "1234"',
                "  org-access:workloadAccounts: prod",
                "  org-access:workloadAcounts: []",
            ].join("\n"),
        );
        const { code, out, err } = await run("--stack", "workload", "--config-file", file);
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.match(err, /^invalid configuration for stack "workload" \(3 problems\):\n/);
        assert.match(err, /\* org-access:securityAccountId: must be exactly 12 digits/);
        assert.match(
            err,
            /\* org-access:workloadAccounts: must be a list of accounts, not a single value/,
        );
        assert.match(
            err,
            /\* org-access:workloadAcounts: unknown key \(did you mean 'workloadAccounts'\?/,
        );
        assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
    });

    it("exits 2 when the stack file is missing or not YAML", async () => {
        const missing = await run(
            "--stack",
            "workload",
            "--config-file",
            "/nonexistent/Pulumi.workload.yaml",
        );
        assert.strictEqual(missing.code, 2);
        assert.match(
            missing.err,
            /\* Pulumi\.workload\.yaml: does not exist in \/nonexistent \(create it: pulumi stack init workload /,
        );
        const broken = await run(
            "--stack",
            "workload",
            "--config-file",
            tempStackFile("config: [unclosed"),
        );
        assert.strictEqual(broken.code, 2);
        assert.match(broken.err, /is not valid YAML/);
    });

    it("exits 2 on usage errors and 0 on --help", async () => {
        for (const argv of [
            ["--stack"],
            ["--stack", "prod"],
            ["--config-file", "x"],
            ["--bogus"],
        ]) {
            const r = await run(...argv);
            assert.strictEqual(r.code, 2, argv.join(" "));
            assert.match(
                r.err,
                /^error: .*\nusage: npx org-access \[plan\] .*\nrun 'npx org-access plan --help' for the options\n$/,
            );
        }
        const help = await run("--help");
        assert.strictEqual(help.code, 0);
        assert.match(help.out, /^usage: npx org-access \[plan\] /);
    });

    it("runs the policy pack: the example stacks plan clean, and a mandatory violation exits 1", async () => {
        const clean = await run("--json");
        assert.strictEqual(clean.code, 0, clean.err);
        for (const st of JSON.parse(clean.out).stacks)
            assert.deepStrictEqual(st.violations, [], st.stack);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-pack-"));
        const strict = path.join(dir, "config.json");
        // The committed config (break-glass exemption) plus a stricter session cap.
        const committed = JSON.parse(
            fs.readFileSync(
                path.join(__dirname, "..", "..", "policypack", "policy-config.json"),
                "utf8",
            ),
        );
        fs.writeFileSync(
            strict,
            JSON.stringify({ ...committed, "iam-role-session-cap": { maxSessionSeconds: 1800 } }),
        );
        const r = await run("--stack", "workload", "--json", "--policy-config", strict);
        assert.strictEqual(r.code, 1);
        const violations = JSON.parse(r.out).violations;
        // Every role a human can assume has a one-hour cap, so every one of them breaks a 1800 s cap.
        const humanRoles = JSON.parse(r.out)
            .resources.filter(
                (x: any) =>
                    x.type === "aws:iam/role:Role" &&
                    /"AWS"/.test(x.props.assumeRolePolicy) &&
                    // The preview roles trust only the CI preview identity, a role, never a human.
                    /MultiFactorAuthPresent/.test(x.props.assumeRolePolicy),
            )
            .map((x: any) => x.name);
        assert.ok(humanRoles.includes("acct-777788889999-role") && humanRoles.length >= 3);
        assert.deepStrictEqual(
            violations.map((v: any) => [v.policy, v.resource, v.enforcementLevel]),
            humanRoles.map((n: string) => ["iam-role-session-cap", n, "mandatory"]),
        );
        assert.match(
            r.err,
            new RegExp(`policy pack: ${humanRoles.length} mandatory violation\\(s\\)`),
        );
    });

    it("tells the pack which accounts must each have an audit role, so a missing one is a violation", async () => {
        const [plan] = await runPlan({ stacks: ["workload"], root: ROOT });
        const config = packConfigFor(plan.result, loadPackConfig(DEFAULT_POLICY_CONFIG));
        const ids = (plan.result.outputs.accounts as { accountId: string }[]).map(
            (a) => a.accountId,
        );
        assert.deepStrictEqual(config["audit-role-per-workload-account"], {
            workloadAccountIds: ids,
            roleName: "SecurityAuditRole",
        });
        assert.deepStrictEqual(
            config["iam-no-admin-grants"],
            { breakGlassRoles: ["BreakGlassRole"], breakGlassPermissionSets: ["BreakGlass"] },
            "the rest of the config is kept",
        );
        const all = plan.result.resources.map(toPackResource);
        assert.deepStrictEqual(
            checkResources(all, config).filter((v) => v.enforcementLevel === "mandatory"),
            [],
        );
        const missing = checkResources(
            all.filter((r) => r.name !== "acct-555555555555-role"),
            config,
        );
        assert.deepStrictEqual(
            missing.map((v) => v.policy),
            ["audit-role-per-workload-account"],
        );
        assert.match(missing[0].message, /555555555555/);
        // An explicit setting in the given config wins.
        assert.deepStrictEqual(
            packConfigFor(plan.result, {
                "audit-role-per-workload-account": { workloadAccountIds: [ids[0]] },
            })["audit-role-per-workload-account"],
            { workloadAccountIds: [ids[0]], roleName: "SecurityAuditRole" },
        );
    });

    it("writes the effective pack config for pulumi preview", async () => {
        const file = path.join(
            fs.mkdtempSync(path.join(os.tmpdir(), "org-access-pack-")),
            "pack.json",
        );
        const r = await run("--stack", "workload", "--write-policy-config", file);
        assert.strictEqual(r.code, 0, r.err);
        const written = JSON.parse(fs.readFileSync(file, "utf8"));
        assert.deepStrictEqual(written["audit-role-per-workload-account"].workloadAccountIds, [
            "777788889999",
            "555555555555",
            "999988887777",
        ]);
        assert.deepStrictEqual(written["iam-no-admin-grants"], {
            breakGlassRoles: ["BreakGlassRole"],
            breakGlassPermissionSets: ["BreakGlass"],
        });
        assert.strictEqual((await run("--write-policy-config", file)).code, 2);
    });

    it("exits 2 on a policy-pack config that does not fit the pack", async () => {
        const file = path.join(
            fs.mkdtempSync(path.join(os.tmpdir(), "org-access-pack-")),
            "bad.json",
        );
        fs.writeFileSync(file, JSON.stringify({ "iam-no-such-policy": "mandatory" }));
        const r = await run("--stack", "workload", "--policy-config", file);
        assert.strictEqual(r.code, 2);
        assert.match(r.err, /iam-no-such-policy/);
    });

    it("adds the evidence matrix to --json and writes the report", async () => {
        const file = path.join(
            fs.mkdtempSync(path.join(os.tmpdir(), "org-access-report-")),
            "report.md",
        );
        const r = await run("--stack", "workload", "--json", "--report", file);
        assert.strictEqual(r.code, 0, r.err);
        const evidence = JSON.parse(r.out).evidence;
        // Independent of how many accounts the user's stack file lists: every audit role gets the
        // same 14 scenarios, the two data-read ones (issue "Safe for real", section 3) included.
        const audit = evidence.filter((e: any) => e.role === "SecurityAuditRole");
        const accounts = [...new Set(audit.map((e: any) => e.accountId))];
        assert.ok(accounts.length > 0, "at least one audit role");
        for (const account of accounts) {
            const scenarios = audit
                .filter((e: any) => e.accountId === account)
                .map((e: any) => e.scenario);
            assert.strictEqual(
                scenarios.length,
                14,
                `14 scenarios for the audit role in ${account}`,
            );
            for (const id of ["data-read-logs", "data-read-db-log"])
                assert.ok(scenarios.includes(id), `${id} for ${account}`);
        }
        for (const e of evidence)
            assert.deepStrictEqual(Object.keys(e), [
                "accountId",
                "role",
                "scenario",
                "expected",
                "simulated",
                "reason",
            ]);
        const md = fs.readFileSync(file, "utf8");
        assert.match(md, /```mermaid\nflowchart LR\n/);
        assert.match(
            md,
            // People are designated by their path and duty tag, with MFA.
            /-- "path \/org-access\/, duty audit, MFA, MFA age < 3600 s, session ≤ 3600 s" --> r_arn_aws_iam__777788889999_role_SecurityAuditRole/,
        );
        assert.match(md, /-- "ExternalId, session ≤ 3600 s" -->/);
        assert.match(
            md,
            /\| prod \(777788889999\) \| SecurityAuditRole \| `assume-without-mfa` \| denied \| denied \| ✅ \|/,
        );
        assert.match(
            md,
            /\| Explicit Deny on IAM writes, data reads and CloudShell \| inline policy `org-access-explicit-deny` \| – \| CC6\.3 \| planned \|/,
        );
        assert.match(
            md,
            /\[profile org-access-prod\]\nrole_arn = arn:aws:iam::777788889999:role\/SecurityAuditRole\nsource_profile = org-access-login\nmfa_serial = arn:aws:iam::111122223333:mfa\/<your-mfa-device-name>\nduration_seconds = 3600/,
        );
        assert.ok(
            md.includes(
                "| `prod` (777788889999) | [switch role](https://signin.aws.amazon.com/switchrole?roleName=SecurityAuditRole&account=777788889999&displayName=org-access+prod) |",
            ),
            "a console switch-role link per account",
        );
        assert.match(md, /aws login --profile org-access-login/);
        assert.match(md, /external_id = <external-id>/);
        assert.doesNotMatch(
            md,
            /offline-secret-|REPLACE-ME/i,
            "no ExternalId placeholder value leaks into the report",
        );
        // The config hashes cover every stack file of the folder (a workload plan reads the
        // security stack's file too) and the pack config, each by the SHA-256 of its bytes.
        const stackFiles = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
        assert.ok(stackFiles.includes("Pulumi.security.yaml"), stackFiles.join(", "));
        for (const f of [...stackFiles.map((x) => path.join(ROOT, x)), DEFAULT_POLICY_CONFIG]) {
            const sha = createHash("sha256").update(fs.readFileSync(f)).digest("hex");
            assert.match(md, new RegExp(`\\| \`[^\`]*${path.basename(f)}\` \\| \`${sha}\` \\|`), f);
        }
    });

    it("names an option missing its value by its long name, with what it takes", async () => {
        const cases: Array<[string[], string]> = [
            [["--stack"], "error: --stack needs a STACK"],
            [["-s"], "error: --stack needs a STACK"],
            [["-C"], "error: --cwd needs a folder"],
            [["--against"], "error: --against needs a FILE"],
        ];
        for (const [argv, message] of cases) {
            const r = await runOn(argv);
            assert.strictEqual(r.code, 2, argv.join(" "));
            assert.strictEqual(r.err.split("\n")[0], message, r.err);
        }
    });

    it("warns about REPLACE-ME placeholders and plain-text ExternalIds; --strict makes them an error (exit 2)", async () => {
        const file = tempStackFile(
            securityStackText([
                "  org-access:incidentResponse: { responders: [carol] }",
                "  org-access:breakGlass: { users: [dana-breakglass] }",
                // Without guardrails the proof logs-immutable fails (the log account's root user
                // may always replace the bucket policy), and the plan exits 1.
                "  org-access:guardrails: { targets: [r-abcd] }",
                "  org-access:reporters:",
                "    - name: reporter-a",
                "      externalId: REPLACE-ME-with-pulumi-config-set-secret",
                "    - name: reporter-b",
                "      externalId: plain-text-external-id-0123",
            ]),
        );
        const lenient = await run("--stack", "security", "--config-file", file, "--json");
        assert.strictEqual(lenient.code, 0, lenient.err);
        assert.deepStrictEqual(
            JSON.parse(lenient.out).warnings.map((w: any) => w.path),
            ["reporters[0].externalId", "reporters[1].externalId"],
        );
        assert.ok(
            lenient.err.includes(
                `* org-access:reporters[0].externalId: is the example placeholder "REPLACE-ME-with-pulumi-config-set-secret"`,
            ),
            lenient.err,
        );
        assert.match(lenient.err, /^warning: stack "security": 2 value\(s\) to replace/m);
        const strict = await run("--stack", "security", "--config-file", file, "--strict");
        assert.strictEqual(strict.code, 2);
        assert.match(strict.err, /^error: stack "security": 2 value\(s\) to replace/m);
        assert.ok(
            strict.err.includes(
                `(pulumi config set --secret --path 'org-access:reporters[1].externalId' "$(openssl rand -hex 32)")`,
            ),
            strict.err,
        );
        assert.strictEqual(strict.out, "", "nothing is printed as a plan when --strict fails");
        // Under --json, stdout is still JSON: the error document, each warning by key with its fix.
        const strictJson = await run(
            "--stack",
            "security",
            "--config-file",
            file,
            "--strict",
            "--json",
        );
        assert.strictEqual(strictJson.code, 2);
        const document = JSON.parse(strictJson.out);
        assert.strictEqual(document.error.exitCode, 2);
        assert.match(document.error.message, /^stack "security": 2 value\(s\) to replace/);
        assert.deepStrictEqual(
            document.error.problems.map((p: any) => p.key),
            ["org-access:reporters[0].externalId", "org-access:reporters[1].externalId"],
        );
        assert.ok(
            document.error.problems[1].fix.includes("pulumi config set --secret --path"),
            strictJson.out,
        );
        assert.deepStrictEqual(parseArgs(["--strict"]), {
            // No --stack: every stack of the project, read from its stack files when the plan runs.
            stacks: [],
            configFile: undefined,
            json: false,
            report: undefined,
            policyConfig: undefined,
            writePolicyConfig: undefined,
            strict: true,
        });
    });

    it("carries the proofs in --json, the text and the report; a proof that does not hold exits 1 and prints its counterexample", async () => {
        const stackFile = (guardrails: boolean) =>
            tempStackFile(
                securityStackText([
                    "  org-access:logArchiveAccount:",
                    '    accountId: "444455556666"',
                    // Every duty, whatever the workload stack file asks of the security stack.
                    "  org-access:incidentResponse: { responders: [carol] }",
                    "  org-access:breakGlass: { users: [dana-breakglass] }",
                    ...(guardrails ? ["  org-access:guardrails: { targets: [r-abcd] }"] : []),
                ]),
            );
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-proofs-"));
        const held = await run(
            "--stack",
            "security",
            "--config-file",
            stackFile(true),
            "--json",
            "--report",
            path.join(dir, "held.md"),
        );
        assert.strictEqual(held.code, 0, held.err);
        const proofs = JSON.parse(held.out).proofs;
        assert.ok(proofs.length > 0);
        for (const p of proofs) {
            assert.deepStrictEqual(Object.keys(p).sort(), [
                "assumptions",
                "checked",
                "counterexamples",
                "holds",
                "id",
                "statement",
                "unit",
            ]);
            assert.ok(p.holds && p.checked > 0, `${p.id} holds over something`);
        }
        assert.ok(proofs.some((p: any) => p.id === "logs-immutable"));
        assert.match(
            fs.readFileSync(path.join(dir, "held.md"), "utf8"),
            /\| `logs-immutable` \|.*✅ holds \|/,
        );

        // Without SCPs, the log-archive account's root user may replace the bucket policy, and
        // no SCP reserves the names the organization-wide grants reach (components/orgGrants.ts).
        const failed = await run("--stack", "security", "--config-file", stackFile(false));
        assert.strictEqual(failed.code, 1);
        // The last line, the verdict, counts them and names them.
        const verdict =
            /^failed: 1 stack, 0 violations, (\d+)\/\1 scenarios, (\d+)\/(\d+) proofs \(only-break-glass-reaches-admin, logs-immutable do not hold\)\n$/.exec(
                failed.out.slice(failed.out.lastIndexOf("\n", failed.out.length - 2) + 1),
            );
        assert.ok(verdict, failed.out.slice(-300));
        assert.strictEqual(Number(verdict[3]) - Number(verdict[2]), 2);
        assert.match(
            failed.out,
            /whose SCPs do not reserve the name \(ProtectOrgAccessRoles at the root\)/,
        );
        assert.match(
            failed.out,
            /^ {2}FAIL {2}logs-immutable: \d+ principal-action pairs checked, \d+ counterexample\(s\)$/m,
        );
        assert.match(
            failed.out,
            /^ {10}arn:aws:iam::444455556666:root: s3:PutBucketPolicy on arn:aws:s3:::/m,
        );
        const json = await run("--stack", "security", "--config-file", stackFile(false), "--json");
        const logs = JSON.parse(json.out).proofs.find((p: any) => p.id === "logs-immutable");
        assert.strictEqual(logs.holds, false);
        const c = logs.counterexamples.find((x: any) => x.action === "s3:PutBucketPolicy");
        assert.ok(c, JSON.stringify(logs.counterexamples.map((x: any) => x.action)));
        assert.strictEqual(c.principal, "arn:aws:iam::444455556666:root");
        assert.ok(c.reason.length > 0);
    });

    describe("--against FILE", () => {
        const temp = (name: string, value: unknown) => {
            const file = path.join(
                fs.mkdtempSync(path.join(os.tmpdir(), "org-access-against-")),
                name,
            );
            fs.writeFileSync(file, JSON.stringify(value));
            return file;
        };
        let previous: any;
        before(async () => {
            const { code, out, err } = await run("--stack", "workload", "--json");
            assert.strictEqual(code, 0, err);
            previous = JSON.parse(out);
        });

        it("a plan against its own --json changes nothing, and the JSON carries each resource's aliases", async () => {
            const file = temp("plan.json", previous);
            const { code, out, err } = await run(
                "--stack",
                "workload",
                "--against",
                file,
                "--json",
            );
            assert.strictEqual(code, 0, err);
            const plan = JSON.parse(out);
            assert.deepStrictEqual(plan.diff, {
                creates: [],
                deletes: [],
                replaces: [],
                updates: [],
                aliased: [],
                removals: [],
                errors: [],
            });
            // The first account's audit role is found under its name-derived URN of the previous
            // version too: its own name and, through its component, the component's legacy name.
            const [first] = JSON.parse(
                readStackFile(stackFilePath("workload", ROOT)).config[
                    "org-access:workloadAccounts"
                ],
            ) as { name: string; accountId: string }[];
            const role = plan.resources.find((r: any) => r.name === `acct-${first.accountId}-role`);
            assert.deepStrictEqual(role.options.aliases, [
                `urn:pulumi:workload::org-access::org-access:access:AuditRole$aws:iam/role:Role::${first.name}-role`,
            ]);
            const provider = plan.resources.find((r: any) => r.name === `acct-${first.accountId}`);
            assert.deepStrictEqual(provider.options.aliases, [
                `urn:pulumi:workload::org-access::pulumi:providers:aws::${first.name}`,
            ]);
        });

        it("a role that would be replaced exits 1, in the text and on stderr, with the fix", async () => {
            const tampered = JSON.parse(JSON.stringify(previous));
            const role = tampered.resources.find(
                (r: any) => r.type === "aws:iam/role:Role" && r.props.name === "SecurityAuditRole",
            );
            role.props.name = "OldAuditRole";
            const file = temp("tampered.json", tampered);
            const { code, out, err } = await run("--stack", "workload", "--against", file);
            assert.strictEqual(code, 1, err);
            assert.match(
                out,
                new RegExp(
                    `changes against ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: 0 to create, 0 to delete, 1 to replace`,
                ),
            );
            assert.ok(
                out.includes(
                    `  +- replace ${role.urn} in account ${role.accountId} (${role.accountName}) [name]`,
                ),
                out,
            );
            assert.match(
                err,
                new RegExp(
                    `error: stack workload: role /SecurityAuditRole in account ${role.accountId} \\(${role.accountName}\\) would be replaced \\(name changed\\)`,
                ),
            );
            assert.match(err, /\n {2}fix: keep the role's name and path as deployed/);
        });

        it("a never-deployed stack's export (no resources) plans every resource as a create, exit 0: CI's first deploy of a new stack", async () => {
            const state = JSON.parse(
                fs.readFileSync(
                    path.join(__dirname, "fixtures", "never-deployed.export.json"),
                    "utf8",
                ),
            );
            const file = temp("state.workload.json", state);
            const { code, out, err } = await run("--stack", "workload", "--against", file);
            assert.strictEqual(code, 0, err);
            assert.ok(
                out.includes(
                    `changes against ${file}: ${previous.resources.length} to create, 0 to delete, 0 to replace`,
                ),
                out.slice(-2000),
            );
        });

        it("exits 2, planning nothing, on a file it cannot read or that holds another stack", async () => {
            const missing = await run("--stack", "workload", "--against", "/nonexistent/plan.json");
            assert.strictEqual(missing.code, 2);
            assert.match(
                missing.err,
                /^error: --against \/nonexistent\/plan\.json: cannot read it/,
            );
            const other = await run(
                "--stack",
                "security",
                "--against",
                temp("plan.json", previous),
            );
            assert.strictEqual(other.code, 2);
            assert.match(other.err, /holds stack "workload", not "security"/);
            assert.strictEqual(other.out, "");
        });
    });

    it("parses arguments", () => {
        assert.deepStrictEqual(parseArgs(["--stack=workload-prod", "--json", "--report", "r.md"]), {
            stacks: ["workload-prod"],
            configFile: undefined,
            json: true,
            report: "r.md",
            policyConfig: undefined,
            writePolicyConfig: undefined,
        });
        assert.deepStrictEqual(parseArgs([]), {
            // No --stack: every stack of the project, read from its stack files when the plan runs.
            stacks: [],
            configFile: undefined,
            json: false,
            report: undefined,
            policyConfig: undefined,
            writePolicyConfig: undefined,
        });
        assert.throws(() => parseArgs(["--stack", "--json"]), UsageError);
    });
});
