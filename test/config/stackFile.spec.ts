import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    decodeValues,
    parseStackFile,
    projectFileProblems,
    readStackFile,
    StackFileError,
} from "../../config";
import { readWorkloadTargets } from "../../config";
import { readProjectStacks, StackFilesError } from "../../stacks/stackFiles";

/** A temporary project folder with the given files. */
function folder(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-stackfile-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, name), text);
    return root;
}

/** The StackFileError `f` throws. */
function stackFileError(f: () => unknown): StackFileError {
    try {
        f();
    } catch (e) {
        assert.ok(e instanceof StackFileError, `expected a StackFileError, got ${String(e)}`);
        return e;
    }
    assert.fail("expected a StackFileError");
}

const PROJECT = "name: org-access\nruntime: nodejs\n";
const STACK = 'config:\n  aws:region: us-east-1\n  org-access:securityAccountId: "111122223333"\n';

describe("stack files", () => {
    it("passes values to the program as the engine does: strings for scalars, JSON for lists and maps", () => {
        const { config, secretKeys } = parseStackFile(
            [
                "config:",
                "  aws:region: us-east-1",
                '  org-access:securityAccountId: "012345678901"',
                "  org-access:workloadAccounts:",
                "    - name: prod",
                '      accountId: "777788889999"',
            ].join("\n"),
            "Pulumi.test.yaml",
        );
        assert.deepStrictEqual(config, {
            "aws:region": "us-east-1",
            "org-access:securityAccountId": "012345678901",
            "org-access:workloadAccounts": JSON.stringify([
                { name: "prod", accountId: "777788889999" },
            ]),
        });
        assert.deepStrictEqual(secretKeys, []);
        assert.deepStrictEqual(decodeValues(config)["org-access:workloadAccounts"], [
            { name: "prod", accountId: "777788889999" },
        ]);
    });

    it("replaces secure values, top-level or nested, with stable placeholders and marks the key secret", () => {
        const text = [
            "config:",
            "  org-access:securityDeployExternalId:",
            "    secure: v1:AAAA",
            "  org-access:reporters:",
            "    - name: r",
            "      externalId:",
            "        secure: v1:BBBB",
            "  org-access:auditors: [alice]",
        ].join("\n");
        const a = parseStackFile(text, "x");
        const b = parseStackFile(text, "x");
        assert.deepStrictEqual(a.secretKeys, [
            "org-access:securityDeployExternalId",
            "org-access:reporters",
        ]);
        assert.match(
            a.config["org-access:securityDeployExternalId"],
            /^offline-secret-[0-9a-f]{16}$/,
        );
        const reporter = JSON.parse(a.config["org-access:reporters"])[0];
        assert.match(reporter.externalId, /^offline-secret-[0-9a-f]{16}$/);
        assert.notStrictEqual(
            reporter.externalId,
            a.config["org-access:securityDeployExternalId"],
            "different ciphertexts give different placeholders",
        );
        assert.deepStrictEqual(a, b, "placeholders are stable");
        assert.ok(
            !a.config["org-access:reporters"].includes("BBBB"),
            "ciphertext is not passed through",
        );
    });

    it("keeps an unparsable JSON-looking string as a string, for the schema to reject", () => {
        assert.deepStrictEqual(decodeValues({ k: "[not json" }), { k: "[not json" });
    });

    it("rejects a file that is not a YAML map, or whose config is not a map", () => {
        assert.throws(
            () => parseStackFile("config: [1, 2", "bad.yaml"),
            (e: unknown) =>
                e instanceof StackFileError && /bad\.yaml is not valid YAML/.test(e.message),
        );
        assert.throws(
            () => parseStackFile("- a\n- b\n", "list.yaml"),
            /list\.yaml must be a YAML map with a "config:" section/,
        );
        assert.throws(
            () => parseStackFile("config: 3\n", "c.yaml"),
            /c\.yaml: "config:" must be a map/,
        );
    });

    it("refuses top-level keys Pulumi ignores, every one at once, with did-you-mean", () => {
        const e = stackFileError(() =>
            parseStackFile(
                [
                    "secretsProvider: passphrase",
                    "org-access:tags:",
                    "  Team: a",
                    "confg:",
                    "  aws:region: us-east-1",
                    "config:",
                    "  aws:region: us-east-1",
                ].join("\n"),
                "Pulumi.workload.yaml",
            ),
        );
        assert.deepStrictEqual(e.message.split("\n"), [
            "Pulumi.workload.yaml cannot be read (3 problems):",
            "* secretsProvider: is not a key of a stack file, so Pulumi ignores it (a stack file holds secretsprovider, encryptedkey, encryptionsalt, config, environment) (did you mean 'secretsprovider'? rename it)",
            "* org-access:tags: is not a key of a stack file, so Pulumi ignores it (a stack file holds secretsprovider, encryptedkey, encryptionsalt, config, environment) (it looks like a config key: indent it under config:)",
            "* confg: is not a key of a stack file, so Pulumi ignores it (a stack file holds secretsprovider, encryptedkey, encryptionsalt, config, environment) (did you mean 'config'? rename it)",
        ]);
        assert.deepStrictEqual(
            e.problems.map((p) => p.path),
            ["secretsProvider", "org-access:tags", "confg"],
        );
        // The keys Pulumi writes itself pass.
        parseStackFile(
            "secretsprovider: passphrase\nencryptionsalt: v1:abc\nencryptedkey: xyz\n" + STACK,
            "Pulumi.workload.yaml",
        );
    });

    it("refuses an ESC environment: block, whose values cannot be read offline, saying what to do", () => {
        const e = stackFileError(() =>
            parseStackFile("environment:\n  - myorg/aws-prod\n" + STACK, "Pulumi.workload-eu.yaml"),
        );
        assert.strictEqual(e.problems.length, 1);
        assert.strictEqual(e.problems[0].path, "environment");
        assert.match(
            e.problems[0].message,
            /Pulumi ESC environments, whose values only Pulumi Cloud can open/,
        );
        assert.match(
            e.problems[0].fix ?? "",
            /pulumi config --open --show-secrets --stack workload-eu.*pulumi env run myorg\/aws-prod -- pulumi up --stack workload-eu$/,
        );
        assert.match(
            e.message,
            /^Pulumi\.workload-eu\.yaml cannot be read \(1 problem\):\n\* environment: /,
        );
    });

    it("refuses project-level config in Pulumi.yaml, but not the engine's pulumi:tags, and stackConfigDir", () => {
        const root = folder({
            "Pulumi.yaml":
                PROJECT +
                "stackConfigDir: stacks\nconfig:\n  pulumi:tags:\n    value:\n      pulumi:template: aws-typescript\n  aws:region: us-east-1\n  tags:\n    value: {Team: a}\n",
            "Pulumi.workload.yaml": STACK,
        });
        assert.deepStrictEqual(
            projectFileProblems(root).map((p) => p.path),
            [
                "Pulumi.yaml config.aws:region",
                "Pulumi.yaml config.tags",
                "Pulumi.yaml stackConfigDir",
            ],
        );
        const e = stackFileError(() => readStackFile(path.join(root, "Pulumi.workload.yaml")));
        assert.strictEqual(e.problems.length, 3);
        assert.match(
            e.message,
            /\* Pulumi\.yaml config\.tags: is project-level config, .* \(set it in each stack that needs it \(pulumi config set --stack followed by the stack's name, org-access:tags and its value/,
        );
        // With only pulumi:tags, as `pulumi new` writes it, the stack file reads.
        const clean = folder({
            "Pulumi.yaml":
                PROJECT +
                "config:\n  pulumi:tags:\n    value:\n      pulumi:template: aws-typescript\n",
            "Pulumi.workload.yaml": STACK,
        });
        assert.deepStrictEqual(projectFileProblems(clean), []);
        assert.strictEqual(
            readStackFile(path.join(clean, "Pulumi.workload.yaml")).config["aws:region"],
            "us-east-1",
        );
    });

    it("refuses the deprecated config: <folder> like stackConfigDir, and not a key declared with a type alone", () => {
        // https://www.pulumi.com/docs/iac/concepts/projects/project-file/ ("Deprecated
        // attributes": config, the config directory; a schema's default is optional).
        const legacy = folder({ "Pulumi.yaml": PROJECT + "config: stacks\n" });
        assert.deepStrictEqual(
            projectFileProblems(legacy).map((p) => [p.path, p.fix]),
            [["Pulumi.yaml config", "keep the stack files beside Pulumi.yaml and delete config"]],
        );
        const declared = folder({
            "Pulumi.yaml":
                PROJECT +
                "config:\n  securityAccountId:\n    type: string\n    description: the security account\n  tags:\n    type: string\n    default: x\n  aws:region:\n    value: us-east-1\n",
        });
        // The type-only declaration gives no stack a value; a default and a value do.
        assert.deepStrictEqual(
            projectFileProblems(declared).map((p) => p.path),
            ["Pulumi.yaml config.tags", "Pulumi.yaml config.aws:region"],
        );
    });

    it("reports the project file's and the stack file's problems together", () => {
        const root = folder({
            "Pulumi.yaml": PROJECT + "config:\n  aws:region: us-east-1\n",
            "Pulumi.workload.yaml": "environment: [myorg/prod]\n" + STACK,
        });
        const e = stackFileError(() => readStackFile(path.join(root, "Pulumi.workload.yaml")));
        assert.deepStrictEqual(
            e.problems.map((p) => p.path),
            ["Pulumi.yaml config.aws:region", "environment"],
        );
    });

    it("fills the security stack's region and account id into how to create a workload stack's file", () => {
        const root = folder({
            "Pulumi.yaml": PROJECT,
            "Pulumi.security.yaml":
                'config:\n  aws:region: eu-central-1\n  org-access:securityAccountId: "210987654321"\n',
        });
        const e = stackFileError(() => readStackFile(path.join(root, "Pulumi.workload-eu.yaml")));
        const fix = e.problems[0].fix ?? "";
        assert.match(
            fix,
            /then pulumi config set --stack workload-eu aws:region eu-central-1, then pulumi config set --stack workload-eu org-access:securityAccountId 210987654321, then/,
        );
        // No <placeholder>, which a shell would read as a redirection.
        assert.doesNotMatch(fix, /[<>]/);
    });

    it("says how to create a missing stack file, for the security stack and for a workload stack", () => {
        const root = folder({ "Pulumi.yaml": PROJECT });
        const security = stackFileError(() =>
            readStackFile(path.join(root, "Pulumi.security.yaml")),
        );
        assert.strictEqual(security.problems.length, 1);
        assert.match(
            security.message,
            /\* Pulumi\.security\.yaml: does not exist in .* \(the project ships an example Pulumi\.security\.yaml: restore it \(git checkout -- Pulumi\.security\.yaml\)/,
        );
        const shard = stackFileError(() =>
            readStackFile(path.join(root, "Pulumi.workload-eu.yaml")),
        );
        assert.match(
            shard.problems[0].fix ?? "",
            /^create it: pulumi stack init workload-eu .*npx org-access account add -s workload-eu and each account's --name and --id/,
        );
        // The security stack names the missing workload file with the same fix, and the other way out.
        const { problems } = readWorkloadTargets(["workload-eu"], root);
        assert.strictEqual(problems.length, 1);
        assert.match(problems[0].message, /Pulumi\.workload-eu\.yaml: does not exist/);
        assert.strictEqual(problems[0].fix, 'or remove "workload-eu" from workloadStacks');
    });

    it("the security stack refuses a workload stack in another partition: IAM trust does not cross partitions", () => {
        const workload = (region: string) =>
            [
                "config:",
                `  aws:region: ${region}`,
                '  org-access:securityAccountId: "111122223333"',
                "  org-access:workloadAccounts:",
                "    - name: prod",
                '      accountId: "777788889999"',
                "",
            ].join("\n");
        const china = folder({ "Pulumi.workload.yaml": workload("cn-north-1") });
        const { targets, problems } = readWorkloadTargets(["workload"], china, "us-east-1");
        assert.deepStrictEqual(
            problems.map((p) => [p.path, p.message, p.fix]),
            [
                [
                    "workloadStacks[0]",
                    "Pulumi.workload.yaml's aws:region cn-north-1 is in partition aws-cn, but the security stack's aws:region us-east-1 is in aws: IAM trust does not cross partitions, so no principal of the security account could assume its roles",
                    "deploy that stack in the security stack's partition: pulumi config set --stack workload aws:region us-east-1; a second partition needs its own security stack",
                ],
            ],
        );
        assert.strictEqual(targets.length, 1, "its accounts are still read, for every other check");
        // Another region of the same partition is fine; so is GovCloud with GovCloud.
        const ireland = folder({ "Pulumi.workload.yaml": workload("eu-west-1") });
        assert.deepStrictEqual(
            readWorkloadTargets(["workload"], ireland, "us-east-1").problems,
            [],
        );
        const gov = folder({ "Pulumi.workload.yaml": workload("us-gov-east-1") });
        assert.deepStrictEqual(
            readWorkloadTargets(["workload"], gov, "us-gov-west-1").problems,
            [],
        );
        assert.strictEqual(readWorkloadTargets(["workload"], gov, "us-east-1").problems.length, 1);
    });

    it("the list of stacks refuses a security stack file it cannot read, with each problem indented under it", () => {
        const root = folder({
            "Pulumi.yaml": PROJECT,
            "Pulumi.security.yaml": "environment: [myorg/prod]\nconfg: {}\n" + STACK,
            "Pulumi.workload.yaml": STACK,
        });
        assert.throws(
            () => readProjectStacks(root),
            (e: unknown) => {
                assert.ok(e instanceof StackFilesError, String(e));
                assert.deepStrictEqual(e.problems.length, 1);
                assert.match(
                    e.problems[0],
                    /^Pulumi\.security\.yaml cannot be read \(2 problems\):\n {2}\* environment: .*\n {2}\* confg: .*did you mean 'config'\?/,
                );
                return true;
            },
        );
    });
});
