import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    decodeValues,
    DEFAULT_DEPLOY_ROLE,
    loadSecurityConfig,
    namespaceValues,
    parseStackFile,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../../config";
import { urnInStack } from "../../plan/accountResources";
import { parseList } from "../../plan/mocks";
import { planStack, PlannedResource } from "../../plan/run";
import { main } from "../../scripts/account";
import { writeEdits } from "../../scripts/accountMove";
import { securityStack } from "../../stacks/security";
import {
    DEV,
    folderSnapshot,
    PROD,
    securityStackText,
    stackFilesFolder,
    STAGING,
} from "../helpers";

const EU1 = "222233334444";

// The source stack: staging carries its own comment and a setting of its own.
const STAGING_BLOCK = `    # staging: the pre-production account
    - name: staging
      accountId: "${STAGING}"
      deployRoleName: StagingDeployRole # its own deploy role
`;
const FROM = `# The workload stack.
config:
  aws:region: us-east-1
  org-access:securityAccountId: "111122223333"
  # Every account that gets the audit role.
  org-access:workloadAccounts:
    - name: prod # production
      accountId: "${PROD}"
${STAGING_BLOCK}    - name: dev
      accountId: "${DEV}"
  org-access:tags:
    CostCenter: security
`;
const TO = `# The EU shard.
config:
  aws:region: us-east-1
  org-access:securityAccountId: "111122223333"
  org-access:workloadAccounts:
    - name: eu1 # the first EU account
      accountId: "${EU1}"
  org-access:tags:
    CostCenter: security
`;
const SECURITY = securityStackText();

/** A project folder of fixture stack files (never the repository's own). */
const project = (files: Record<string, string>) => stackFilesFolder(files, "org-access-move-test-");

const snapshot = folderSnapshot;

async function run(
    root: string,
    args: string[],
): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["move", ...args], {
        root,
        out: { write: (s: string) => out.push(s) },
        err: { write: (s: string) => err.push(s) },
    });
    return { code, out: out.join(""), err: err.join("") };
}

/** The URNs the printed `pulumi state move` command names, and its --source and --dest. */
function printedMove(out: string): { source: string; dest: string; urns: string[] } {
    const start = out.indexOf("pulumi state move \\");
    assert.ok(start >= 0, `no pulumi state move command in:\n${out}`);
    const words: string[] = [];
    for (const line of out.slice(start).split("\n").slice(1)) {
        const m = /^\s+(?:(--source|--dest) )?'([^']*)'( \\)?$/.exec(line);
        if (!m) break;
        words.push(m[1] ? `${m[1]}=${m[2]}` : m[2]);
        if (!m[3]) break;
    }
    const flag = (f: string) => words.find((w) => w.startsWith(`${f}=`))?.slice(f.length + 1);
    return {
        source: flag("--source") as string,
        dest: flag("--dest") as string,
        urns: words.filter((w) => !w.startsWith("--")),
    };
}

function workloadValid(text: string, stack: string) {
    const { config } = parseStackFile(text, stack);
    return validateWorkloadConfig(
        { values: namespaceValues(decodeValues(config)), region: config["aws:region"] },
        stack,
    );
}

/** The source stack's plan, made here the way a deploy would see it: the security stack's outputs first. */
async function sourcePlan(root: string): Promise<PlannedResource[]> {
    const security = await planStack({
        stack: "security",
        configFile: path.join(root, "Pulumi.security.yaml"),
        build: () => securityStack(loadSecurityConfig("security", undefined, root)),
    });
    const plan = await planStack({
        stack: "workload",
        configFile: path.join(root, "Pulumi.workload.yaml"),
        stackOutputs: { "organization/org-access/security": security.outputs },
    });
    return plan.resources;
}

describe("account:move", () => {
    it("moves an account between two workload stack files and lists the destination in workloadStacks, comments kept, every result schema-valid", async () => {
        const root = project({ workload: FROM, "workload-eu": TO, security: SECURITY });
        const { code, out, err } = await run(root, [
            "--name",
            "staging",
            "--from",
            "workload",
            "--to",
            "workload-eu",
            "--write",
        ]);
        assert.strictEqual(code, 0, err);
        const from = fs.readFileSync(path.join(root, "Pulumi.workload.yaml"), "utf8");
        const to = fs.readFileSync(path.join(root, "Pulumi.workload-eu.yaml"), "utf8");
        const security = fs.readFileSync(path.join(root, "Pulumi.security.yaml"), "utf8");
        // Exactly the entry left the source, its comments and its own setting with it.
        assert.strictEqual(from, FROM.replace(STAGING_BLOCK, ""));
        assert.strictEqual(
            to,
            TO.replace(
                `      accountId: "${EU1}"\n`,
                `      accountId: "${EU1}"\n${STAGING_BLOCK}`,
            ),
        );
        assert.deepStrictEqual(YAML.parse(security).config["org-access:workloadStacks"], [
            "workload",
            "workload-eu",
        ]);
        assert.ok(security.startsWith(SECURITY.trimEnd()), "the security file keeps its text");
        assert.deepStrictEqual(
            workloadValid(from, "workload").workloadAccounts.map((a) => a.name),
            ["prod", "dev"],
        );
        assert.deepStrictEqual(
            workloadValid(to, "workload-eu").workloadAccounts.map((a) => [
                a.name,
                a.deployRoleName,
            ]),
            [
                ["eu1", DEFAULT_DEPLOY_ROLE],
                ["staging", "StagingDeployRole"],
            ],
        );
        const { config } = parseStackFile(security, "Pulumi.security.yaml");
        validateSecurityConfig({
            values: namespaceValues(decodeValues(config)),
            region: "us-east-1",
        });
        assert.match(out, /^account:move staging \(555555555555\): workload -> workload-eu$/m);
    });

    it("prints one pulumi state move naming every resource of the moved account in the source plan and nothing of another account", async () => {
        // The security stack grants both stacks already, so the move changes none of its grants.
        const root = project({
            workload: FROM,
            "workload-eu": TO,
            security: securityStackText(["  org-access:workloadStacks: [workload, workload-eu]"]),
        });
        // Computed here from the source plan, independently of the command: the cloud resources
        // whose provider may act only in staging, and every component above them.
        const planned = await sourcePlan(root);
        const byUrn = new Map(planned.map((r) => [r.urn, r]));
        const inStaging = (r: PlannedResource) => {
            const ids = r.provider ? parseList(r.provider.props.allowedAccountIds) : [];
            return ids.length === 1 && ids[0] === STAGING;
        };
        const expected = new Set<string>();
        for (const r of planned.filter(inStaging)) {
            expected.add(r.urn);
            for (let p = r.options.parent; p !== undefined; p = byUrn.get(p)?.options.parent)
                expected.add(p);
        }
        const provider = planned.find(
            (r) =>
                r.type === "pulumi:providers:aws" &&
                parseList(r.props.allowedAccountIds).join() === STAGING,
        ) as PlannedResource;
        assert.ok(provider, "the plan has staging's provider");
        assert.ok(
            planned.some((r) => r.type === "aws:iam/role:Role" && expected.has(r.urn)),
            "staging's audit role is among the expected URNs",
        );

        const { code, out, err } = await run(root, [
            "--id",
            STAGING,
            "--from",
            "workload",
            "--to",
            "workload-eu",
        ]);
        assert.strictEqual(code, 0, err);
        const printed = printedMove(out);
        assert.strictEqual(printed.source, "organization/org-access/workload");
        assert.strictEqual(printed.dest, "organization/org-access/workload-eu");
        assert.deepStrictEqual([...printed.urns].sort(), [...expected].sort());
        assert.strictEqual(new Set(printed.urns).size, printed.urns.length, "each URN once");
        // The provider is copied by state move, never named (naming one is an error).
        assert.ok(!printed.urns.includes(provider.urn));
        assert.match(
            out,
            new RegExp(`Its provider ${provider.urn.replace(/[$]/g, "\\$")} is not named`),
        );
        // The trusted principals come through the security stack's reference, which stays behind.
        const reference = planned.find((r) => r.type === "pulumi:pulumi:StackReference");
        assert.ok(reference);
        assert.ok(
            out.includes(
                `It reports that moved resources depend on ${reference.urn}, which stays in workload`,
            ),
        );
        // Nothing of another account.
        const others = planned.filter((r) => r.accountId !== null && r.accountId !== STAGING);
        assert.ok(others.length > 0);
        for (const r of others) assert.ok(!printed.urns.includes(r.urn), r.urn);
        // The destination changes the moved resources in place only: the Stack tag and the provider's session.
        assert.ok(
            out.includes(`\n     ${urnInStack(provider.urn, "workload-eu")}: assumeRoles\n`),
            "the copied provider's session name changes",
        );
        assert.match(out, /aws:iam\/role:Role::[^:]+: tags\.Stack$/m);
        assert.match(
            out,
            /pulumi preview --stack security deletes and replaces nothing, and changes nothing\./,
        );
    });

    it("writes nothing on a dry run, and creates a new shard's file from the source's settings only with --write", async () => {
        const root = project({ workload: FROM, security: SECURITY });
        const before = snapshot(root);
        const dry = await run(root, [
            "--name",
            "staging",
            "--from",
            "workload",
            "--to",
            "workload-new",
        ]);
        assert.strictEqual(dry.code, 0, dry.err);
        assert.deepStrictEqual(snapshot(root), before);
        assert.match(dry.out, /dry run: nothing written/);
        assert.match(dry.out, /^--- \/dev\/null\n\+\+\+ Pulumi\.workload-new\.yaml$/m);
        assert.match(dry.out, /^-    - name: staging$/m);

        const wet = await run(root, [
            "--name",
            "staging",
            "--from",
            "workload",
            "--to",
            "workload-new",
            "--write",
        ]);
        assert.strictEqual(wet.code, 0, wet.err);
        const created = fs.readFileSync(path.join(root, "Pulumi.workload-new.yaml"), "utf8");
        const cfg = workloadValid(created, "workload-new");
        assert.deepStrictEqual(
            cfg.workloadAccounts.map((a) => a.accountId),
            [STAGING],
        );
        assert.deepStrictEqual(cfg.tags, { CostCenter: "security" });
        assert.match(created, /# staging: the pre-production account/);
        assert.deepStrictEqual(
            YAML.parse(fs.readFileSync(path.join(root, "Pulumi.security.yaml"), "utf8")).config[
                "org-access:workloadStacks"
            ],
            ["workload", "workload-new"],
        );
    });

    it("names the source file's secrets provider in the new shard's pulumi stack init", async () => {
        const KMS = "awskms://alias/org-access-state?region=us-east-1";
        const root = project({
            workload: `secretsprovider: ${KMS}\nencryptedkey: AQICAHhbase\n${FROM}`,
            security: SECURITY,
        });
        const dry = await run(root, [
            "--name",
            "staging",
            "--from",
            "workload",
            "--to",
            "workload-new",
        ]);
        assert.strictEqual(dry.code, 0, dry.err);
        assert.ok(
            dry.out.includes(
                `create the stack before the move: pulumi stack init organization/org-access/workload-new --secrets-provider='${KMS}'\n`,
            ),
            dry.out,
        );
        assert.doesNotMatch(dry.out, /^\+(secretsprovider|encryptedkey):/m);
    });

    async function refused(files: Record<string, string>, args: string[]): Promise<string> {
        const root = project(files);
        const before = snapshot(root);
        const { code, out, err } = await run(root, args);
        assert.strictEqual(code, 2, `expected a refusal, got ${code}:\n${out}${err}`);
        assert.deepStrictEqual(snapshot(root), before, "nothing written");
        assert.strictEqual(out, "");
        return err;
    }
    const move = (...extra: string[]) => [
        "--from",
        "workload",
        "--to",
        "workload-eu",
        "--write",
        ...extra,
    ];

    it("refuses an unknown account, naming the accounts there are", async () => {
        const err = await refused(
            { workload: FROM, "workload-eu": TO, security: SECURITY },
            move("--name", "stage"),
        );
        assert.strictEqual(
            err,
            `error: account:move refused, nothing written (1 problem):\n* no account named "stage" in Pulumi.workload.yaml; its accounts are: prod (${PROD}), staging (${STAGING}), dev (${DEV})\n`,
        );
    });

    it("refuses a move to the same stack, and reports every argument problem at once", async () => {
        const err = await refused({ workload: FROM, security: SECURITY }, [
            "--name",
            "staging",
            "--from",
            "workload",
            "--to",
            "workload",
        ]);
        assert.match(
            err,
            /^error: --from and --to are the same stack \("workload"\): nothing to move$/m,
        );
        const many = await refused({ workload: FROM, security: SECURITY }, [
            "--id",
            "12345",
            "--from",
            "security",
        ]);
        assert.match(many, /--id "12345" is not an AWS account id/);
        assert.match(many, /--from must be workload or workload-<shard>, not "security"/);
        assert.match(many, /--to is required/);
    });

    it("refuses when the target already lists the account id", async () => {
        const target = TO.replace(
            `      accountId: "${EU1}"\n`,
            `      accountId: "${EU1}"\n    - name: stage\n      accountId: "${STAGING}"\n`,
        );
        const err = await refused(
            { workload: FROM, "workload-eu": target, security: SECURITY },
            move("--name", "staging"),
        );
        assert.match(
            err,
            /\* account 555555555555 is already in Pulumi\.workload-eu\.yaml as "stage" \(workloadAccounts\[1\]\); each account is listed in one workload stack only/,
        );
    });

    it("refuses a name another workload stack file already uses", async () => {
        const other = TO.replace("name: eu1", "name: staging").replace(EU1, "333344445555");
        const err = await refused(
            { workload: FROM, "workload-eu": TO, "workload-us": other, security: SECURITY },
            move("--name", "staging"),
        );
        assert.match(
            err,
            /an account named "staging" is already in Pulumi\.workload-us\.yaml \(workloadAccounts\[0\], 333344445555\)/,
        );
    });

    it("moving the last account of a shard retires it: its file goes, workloadStacks drops it, and the steps remove the stack without destroying anything", async () => {
        const SOLO = "333344445555";
        const files = {
            workload: FROM,
            "workload-eu": TO,
            "workload-us": TO.replace("eu1", "solo").replace(EU1, SOLO),
            security: securityStackText([
                "  org-access:workloadStacks: [workload, workload-eu, workload-us]",
            ]),
        };
        const root = project(files);
        const args = ["--name", "solo", "--from", "workload-us", "--to", "workload-eu"];
        const dry = await run(root, args);
        assert.strictEqual(dry.code, 0, dry.err);
        assert.ok(
            fs.existsSync(path.join(root, "Pulumi.workload-us.yaml")),
            "a dry run writes nothing",
        );
        const { code, out, err } = await run(root, [...args, "--write"]);
        assert.strictEqual(code, 0, err);
        assert.ok(!fs.existsSync(path.join(root, "Pulumi.workload-us.yaml")));
        const security = fs.readFileSync(path.join(root, "Pulumi.security.yaml"), "utf8");
        assert.deepStrictEqual(YAML.parse(security).config["org-access:workloadStacks"], [
            "workload",
            "workload-eu",
        ]);
        const { config } = parseStackFile(security, "Pulumi.security.yaml");
        validateSecurityConfig({
            values: namespaceValues(decodeValues(config)),
            region: "us-east-1",
        });
        assert.deepStrictEqual(
            workloadValid(
                fs.readFileSync(path.join(root, "Pulumi.workload-eu.yaml"), "utf8"),
                "workload-eu",
            ).workloadAccounts.map((a) => a.accountId),
            [EU1, SOLO],
        );
        assert.match(out, /^\+\+\+ \/dev\/null$/m);
        assert.match(
            out,
            /pulumi stack rm --force --preserve-config --stack organization\/org-access\/workload-us/,
        );
        assert.doesNotMatch(out, /pulumi destroy/);
        assert.doesNotMatch(out, /pulumi up --stack workload-eu, then --stack workload-us/);
        assert.strictEqual(printedMove(out).urns.length > 0, true);
    });

    it("refuses to retire the workload stack itself, which the security stack's default and CI name", async () => {
        const lonely = TO.replace("eu1", "solo");
        const err = await refused(
            {
                workload: lonely,
                "workload-eu": TO.replace("eu1", "eu2").replace(EU1, "333344445555"),
                security: SECURITY,
            },
            move("--name", "solo"),
        );
        assert.match(err, /solo is the last account of workload, which cannot be retired/);
    });

    it("refuses a destination whose settings would replace the moved audit role", async () => {
        const renamed = TO.replace(
            "  org-access:tags:",
            "  org-access:auditRole:\n    name: OtherAuditRole\n  org-access:tags:",
        );
        const err = await refused(
            { workload: FROM, "workload-eu": renamed, security: SECURITY },
            move("--name", "staging"),
        );
        assert.match(
            err,
            /\* workload-eu would replace urn:pulumi:workload-eu::org-access::org-access:access:AuditRole\$aws:iam\/role:Role::[^ ]+ \(its name differ\)/,
        );
    });

    it("refuses a destination in another region: its provider is replaced, and with it every resource of the account", async () => {
        const elsewhere = TO.replace("aws:region: us-east-1", "aws:region: eu-west-1");
        const err = await refused(
            { workload: FROM, "workload-eu": elsewhere, security: SECURITY },
            move("--name", "staging"),
        );
        assert.match(
            err,
            /\* workload-eu would replace urn:pulumi:workload-eu::org-access::pulumi:providers:aws::acct-555555555555 \(its region differ\)/,
        );
        // The replacement the provider passes on: the audit role goes with it.
        assert.match(
            err,
            /\* workload-eu would replace urn:pulumi:workload-eu::org-access::org-access:access:AuditRole\$aws:iam\/role:Role::acct-555555555555-role \(its provider differ\)/,
        );
    });

    it("refuses a duty role the destination's mode cannot create", async () => {
        const duty = FROM.replace(
            "      deployRoleName: StagingDeployRole # its own deploy role\n",
            "      deployRoleName: StagingDeployRole # its own deploy role\n      breakGlassRole: true\n",
        );
        const stackset = TO.replace(
            "  org-access:tags:",
            '  org-access:deploymentMode: stackset\n  org-access:stackSet:\n    adminAccount:\n      accountId: "123456789012"\n    organizationalUnitIds: [ou-ab12-cdefgh34]\n  org-access:tags:',
        );
        const err = await refused(
            { workload: duty, "workload-eu": stackset, security: SECURITY },
            move("--name", "staging"),
        );
        assert.match(
            err,
            /\* Pulumi\.workload-eu\.yaml would be invalid:\n(?: {2}\*.*\n)* {2}\* org-access:workloadAccounts\[1\]\.breakGlassRole: is not supported in stackset mode/,
        );
    });

    it("refuses a destination without the preview role the source creates", async () => {
        const preview = `${FROM}  org-access:previewRole:\n    name: OrgAccessPreviewRole\n`;
        const err = await refused(
            { workload: preview, "workload-eu": TO, security: SECURITY },
            move("--name", "staging"),
        );
        assert.match(
            err,
            /\* Pulumi\.workload\.yaml creates a preview role in staging, but Pulumi\.workload-eu\.yaml does not, so the destination's next pulumi up would delete it \(pulumi config set --stack workload-eu --path 'org-access:previewRole\.name' OrgAccessPreviewRole\)/,
        );
    });

    it("refuses an entry holding a secret the destination cannot decrypt", async () => {
        const secret = FROM.replace(
            "      deployRoleName: StagingDeployRole # its own deploy role\n",
            "      deployRoleName: StagingDeployRole # its own deploy role\n      deployExternalId:\n        secure: v1:abc\n",
        );
        const err = await refused(
            { workload: secret, "workload-eu": TO, security: SECURITY },
            move("--name", "staging"),
        );
        assert.match(
            err,
            /workloadAccounts\[1\]\.deployExternalId in Pulumi\.workload\.yaml is encrypted for workload's secrets provider/,
        );
        // Commands with the key in full and no <placeholder>, which bash would read as a file.
        assert.match(
            err,
            /pulumi config rm --stack workload --path 'org-access:workloadAccounts\[1\]\.deployExternalId'/,
        );
        assert.doesNotMatch(err, /</);
    });

    it("writes the files together: a failed rename puts back what was already written", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-move-write-"));
        const a = path.join(root, "a.yaml");
        fs.writeFileSync(a, "old\n");
        const blocked = path.join(root, "b.yaml");
        fs.mkdirSync(path.join(blocked, "inside"), { recursive: true });
        assert.throws(() =>
            writeEdits([
                { file: a, before: "old\n", after: "new\n" },
                { file: blocked, before: "x", after: "y" },
            ]),
        );
        assert.strictEqual(fs.readFileSync(a, "utf8"), "old\n");
        assert.deepStrictEqual(fs.readdirSync(root).sort(), ["a.yaml", "b.yaml"]);
    });
});
