import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as bench from "../../scripts/bench";
import {
    ACCOUNTS_PER_SHARD,
    AUDITORS,
    onboardOrganization,
    organizationAccounts,
} from "../../scripts/benchOrg";
import { readStackFile } from "../../config/stackFile";
import { readProjectStacks } from "../../stacks/stackFiles";
import { exampleProject } from "../helpers/preview";
import * as benchPolicy from "../../scripts/bench-policy";
import * as updateDataReads from "../../scripts/update-data-reads";
import * as updateManagedPolicies from "../../scripts/update-managed-policies";
import { capture } from "../helpers";

/**
 * The contents and modification times of every file in a folder, to show a command wrote nothing
 * (a generator rewriting a file with the same contents still changes its mtime).
 */
function snapshot(dir: string): Record<string, [string, number]> {
    return Object.fromEntries(
        fs.readdirSync(dir).map((f) => {
            const file = path.join(dir, f);
            return [f, [fs.readFileSync(file, "utf8"), fs.statSync(file).mtimeMs]];
        }),
    );
}

describe("the scripts' commands (scripts/*.ts)", () => {
    it("update:managed-policies -- --help prints its usage and generates nothing", () => {
        const before = snapshot(updateManagedPolicies.DATA_DIR);
        const { c, io } = capture();
        assert.strictEqual(updateManagedPolicies.main(["--help"], io), 0);
        assert.match(c.out, /^usage: npm run update:managed-policies\n/);
        assert.deepStrictEqual(snapshot(updateManagedPolicies.DATA_DIR), before);
    });

    it("update:managed-policies and update:data-reads take no arguments (exit 2, nothing written)", async () => {
        const data = snapshot(updateManagedPolicies.DATA_DIR);
        const table = snapshot(path.dirname(updateDataReads.TABLE));
        const a = capture();
        assert.strictEqual(updateManagedPolicies.main(["--force"], a.io), 2);
        assert.match(
            a.c.err,
            /^error: unknown option --force\nusage: npm run update:managed-policies\nrun 'npm run update:managed-policies -- --help' for the options\n$/,
        );
        const b = capture();
        assert.strictEqual(await updateDataReads.main(["extra"], b.io), 2);
        assert.match(
            b.c.err,
            /^error: unexpected argument "extra"\nusage: npm run update:data-reads\nrun 'npm run update:data-reads -- --help' for the options\n$/,
        );
        assert.deepStrictEqual(snapshot(updateManagedPolicies.DATA_DIR), data);
        assert.deepStrictEqual(snapshot(path.dirname(updateDataReads.TABLE)), table);
    });

    it("update:data-reads -- --help prints its usage and rewrites nothing", async () => {
        const before = snapshot(path.dirname(updateDataReads.TABLE));
        const { c, io } = capture();
        assert.strictEqual(await updateDataReads.main(["--help"], io), 0);
        assert.match(c.out, /^usage: npm run update:data-reads\n/);
        assert.deepStrictEqual(snapshot(path.dirname(updateDataReads.TABLE)), before);
    });

    it("the generated files live in the sources, also when run from dist/", () => {
        const root = path.join(__dirname, "..", "..");
        assert.strictEqual(
            updateManagedPolicies.DATA_DIR,
            path.join(root, "policypack", "iam", "data"),
        );
        assert.strictEqual(
            updateDataReads.TABLE,
            path.join(root, "components", "data", "data-read-actions.json"),
        );
    });

    it("bench:policy -- --help prints its usage, not a benchmark of NaN resources", () => {
        const { c, io } = capture();
        assert.strictEqual(benchPolicy.main(["--help"], io), 0);
        assert.match(c.out, /^usage: npx org-access bench policy \[--end-to-end\] \[COUNT\]\n/);
        assert.doesNotMatch(c.out, /NaN|resources\/s,/);
    });

    it("bench:policy refuses a COUNT that is not a whole number (exit 2) and runs a small one", () => {
        for (const argv of [["abc"], ["0"], ["1.5"], ["10", "20"], ["--fast"]]) {
            const { c, io } = capture();
            assert.strictEqual(benchPolicy.main(argv, io), 2, argv.join(" "));
            assert.match(
                c.err,
                /^error: .*\nusage: npx org-access bench policy .*\nrun 'npx org-access bench policy --help' for the options\n$/,
                argv.join(" "),
            );
            assert.strictEqual(c.out, "");
        }
        assert.deepStrictEqual(benchPolicy.command.parse([]), { count: 20000, endToEnd: false });
        assert.deepStrictEqual(benchPolicy.command.parse(["300"]), {
            count: 300,
            endToEnd: false,
        });
        assert.deepStrictEqual(benchPolicy.command.parse(["--end-to-end", "300"]), {
            count: 300,
            endToEnd: true,
        });
    });

    it("bench:policy generates resources whose policy documents are all distinct", () => {
        const resources = benchPolicy.generate(3000);
        const texts = benchPolicy.documentTexts(resources);
        assert.ok(texts.length > 500, `${texts.length} documents`);
        assert.strictEqual(new Set(texts).size, texts.length);
        // Every kind of document the pack reads is in the mix.
        for (const type of [
            "aws:iam/role:Role",
            "aws:iam/policy:Policy",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:kms/key:Key",
        ])
            assert.ok(
                resources.some((r) => r.type === type),
                type,
            );
    });

    it("bench -- --help prints its usage; --child is checked before anything runs", async () => {
        const help = capture();
        assert.strictEqual(await bench.main(["--help"], help.io), 0);
        assert.match(help.c.out, /^usage: npx org-access bench \[--organization\]\n/);
        assert.deepStrictEqual(bench.command.parse(["--child", "plan", "--accounts", "10"]), {
            child: "plan",
            accounts: 10,
        });
        assert.deepStrictEqual(bench.command.parse(["--organization"]), {
            child: undefined,
            organizationOnly: true,
        });
        for (const argv of [
            ["--child", "nope", "--accounts", "10"],
            ["--child", "plan"],
            ["--accounts", "3"],
        ]) {
            const { c, io } = capture();
            assert.strictEqual(await bench.main(argv, io), 2, argv.join(" "));
            assert.match(c.err, /^error: /);
        }
    });

    it("bench's onboardOrganization writes shards of the default size, every account once, listed in workloadStacks", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-onboard-"));
        try {
            const accounts = organizationAccounts(95);
            // The security stack's controls from a fixture, not the user's Pulumi.security.yaml.
            const template = path.join(exampleProject(), "Pulumi.security.yaml");
            const shards = onboardOrganization(root, accounts, template);
            assert.strictEqual(shards.length, Math.ceil(95 / ACCOUNTS_PER_SHARD));
            // The project's own reading of its stacks: the files and workloadStacks agree.
            assert.deepStrictEqual(readProjectStacks(root), {
                security: "security",
                workload: shards,
            });
            const placed = shards.flatMap((stack) => {
                const listed = JSON.parse(
                    readStackFile(path.join(root, `Pulumi.${stack}.yaml`)).config[
                        "org-access:workloadAccounts"
                    ],
                ) as { accountId: string }[];
                assert.ok(listed.length <= ACCOUNTS_PER_SHARD && listed.length > 0, stack);
                return listed.map((a) => a.accountId);
            });
            assert.deepStrictEqual(
                placed,
                accounts.map((a) => a.accountId),
            );
            const security = readStackFile(path.join(root, "Pulumi.security.yaml")).config;
            assert.strictEqual(JSON.parse(security["org-access:auditors"]).length, AUDITORS);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
