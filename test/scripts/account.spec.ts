import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    AccountCommandError,
    addAccount,
    main,
    parseArgs,
    removeAccount,
} from "../../scripts/account";

const FILE = `# The workload stack.
config:
  aws:region: us-east-1
  org-access:securityAccountId: "111122223333"
  # Every account that gets the audit role.
  org-access:workloadAccounts:
    - name: prod # production
      accountId: "777788889999"
    - name: staging
      accountId: "555555555555"
  org-access:tags:
    CostCenter: security
`;

function refusal(f: () => unknown): string {
    try {
        f();
    } catch (e) {
        assert.ok(
            e instanceof AccountCommandError,
            `expected an AccountCommandError, got ${String(e)}`,
        );
        return e.message;
    }
    assert.fail("expected the command to be refused");
}

describe("account:add / account:remove", () => {
    it("adds an entry at the end, keeping comments and order, with the id as a quoted string", () => {
        const out = addAccount(FILE, "sandbox", "011111111111");
        assert.strictEqual(
            out,
            FILE.replace(
                '      accountId: "555555555555"\n',
                '      accountId: "555555555555"\n    - name: sandbox\n      accountId: "011111111111"\n',
            ),
        );
        assert.deepStrictEqual(YAML.parse(out).config["org-access:workloadAccounts"][2], {
            name: "sandbox",
            accountId: "011111111111",
        });
    });

    it("removes exactly the named entry and keeps everything else", () => {
        const out = removeAccount(FILE, "staging");
        assert.strictEqual(
            out,
            FILE.replace('    - name: staging\n      accountId: "555555555555"\n', ""),
        );
        assert.match(removeAccount(FILE, "prod"), /# Every account that gets the audit role\./);
    });

    it("refuses duplicates and bad ids with a clear message", () => {
        assert.strictEqual(
            refusal(() => addAccount(FILE, "prod", "123456789012")),
            'an account named "prod" is already in Pulumi.workload.yaml (workloadAccounts[0], 777788889999); choose another name (prod-2 is free) or remove it first',
        );
        assert.strictEqual(
            refusal(() => addAccount(FILE, "other", "555555555555")),
            'account 555555555555 is already in Pulumi.workload.yaml as "staging" (workloadAccounts[1]); each account is listed once',
        );
        assert.strictEqual(
            refusal(() => addAccount(FILE, "dev", "12345")),
            '"12345" is not an AWS account id: it must be exactly 12 digits, e.g. 123456789012',
        );
        assert.strictEqual(
            refusal(() => removeAccount(FILE, "dev")),
            'no account named "dev" in Pulumi.workload.yaml; its accounts are: prod, staging',
        );
    });

    it("validates the result with the program's own schema", () => {
        assert.strictEqual(
            refusal(() => addAccount(FILE, "Bad_Name", "123456789012")),
            `the result would be invalid, so Pulumi.workload.yaml is unchanged:\ninvalid configuration for stack "workload" (1 problem):\n* org-access:workloadAccounts[2].name: must be lowercase and DNS-like: a-z, 0-9 and '-', 1-63 characters, no leading or trailing '-' (got "Bad_Name") (fix with: pulumi config set --stack workload --path 'org-access:workloadAccounts[2].name' prod-2)`,
        );
        assert.match(
            refusal(() => addAccount(FILE, "sec", "111122223333")),
            /workloadAccounts\[2\]\.accountId: 111122223333 is the security account/,
        );
        const one = removeAccount(FILE, "staging");
        assert.match(
            refusal(() => removeAccount(one, "prod")),
            /org-access:workloadAccounts: must list at least one workload account/,
        );
    });

    it("parses its arguments strictly", () => {
        // Without --stack, placement chooses the stack (scripts/accountPlacement.ts).
        assert.deepStrictEqual(parseArgs(["add", "--name", "dev", "--id=999988887777"]), {
            action: "add",
            name: "dev",
            accountId: "999988887777",
        });
        assert.deepStrictEqual(
            parseArgs(["add", "--name", "dev", "--id=999988887777", "--stack", "workload"]),
            { action: "add", name: "dev", accountId: "999988887777", stack: "workload" },
        );
        assert.deepStrictEqual(parseArgs(["remove", "--name", "dev", "--stack", "workload-eu"]), {
            action: "remove",
            name: "dev",
            stack: "workload-eu",
        });
        assert.match(
            refusal(() => parseArgs(["add", "--name", "dev"])),
            /^--id is required/,
        );
        assert.strictEqual(
            refusal(() => parseArgs(["add", "--name", "dev", "--id", "1", "--stack", "security"])),
            '--stack must be workload or workload-<shard>, not "security"',
        );
        assert.strictEqual(
            refusal(() => parseArgs(["delete"])),
            'the first argument must be add, remove, move or import, not "delete"',
        );
        assert.strictEqual(
            refusal(() => parseArgs(["remvoe", "--name", "dev"])),
            'the first argument must be add, remove, move or import, not "remvoe" (did you mean remove?)',
        );
        assert.strictEqual(
            refusal(() => parseArgs([])),
            "the first argument must be add, remove, move or import",
        );
    });

    it("edits the stack file, prints the next command and exits 0; exits 2 and leaves the file alone when refused", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-account-"));
        const file = path.join(root, "Pulumi.workload.yaml");
        fs.writeFileSync(file, FILE);
        const out: string[] = [];
        const err: string[] = [];
        const io = {
            root,
            out: { write: (s: string) => out.push(s) },
            err: { write: (s: string) => err.push(s) },
        };
        assert.strictEqual(main(["add", "--name", "dev", "--id", "999988887777"], io), 0);
        assert.match(fs.readFileSync(file, "utf8"), /- name: dev\n {6}accountId: "999988887777"\n/);
        assert.match(
            out.join("\n"),
            /^next: pulumi preview --stack workload --policy-pack policypack --policy-pack-config policypack\/policy-config\.json$/m,
        );
        const before = fs.readFileSync(file, "utf8");
        assert.strictEqual(main(["add", "--name", "dev", "--id", "999988887777"], io), 2);
        assert.strictEqual(fs.readFileSync(file, "utf8"), before);
        // Both problems at once: the name and the id are taken.
        assert.strictEqual(
            err[0],
            'error: account:add refused, nothing written (2 problems):\n* an account named "dev" is already in Pulumi.workload.yaml (workloadAccounts[2], 999988887777); choose another name (dev-2 is free in every stack file) or remove it first\n* account 999988887777 is already in Pulumi.workload.yaml as "dev" (workloadAccounts[2]); each account is listed once\n',
        );
        assert.strictEqual(main(["remove", "--name", "dev"], io), 0);
        assert.strictEqual(fs.readFileSync(file, "utf8"), FILE);
        assert.match(
            out.join("\n"),
            /removed dev from .*; its roles will be deleted, logs are never deleted/,
        );
    });
});
