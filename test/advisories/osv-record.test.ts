import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseOsvRecord, tryParseOsvRecord } from "../../src/advisories/osv/osv-record.ts";
import { isCortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import { listOsvFixtures } from "../matching/osv-fixtures.ts";

const OSV_FIXTURES = join(import.meta.dir, "..", "fixtures", "osv");

async function readFixture(relativePath: string): Promise<Record<string, unknown>> {
  return (await Bun.file(join(OSV_FIXTURES, relativePath)).json()) as Record<string, unknown>;
}

function debianEntry(events: object[], ecosystem = "Debian:12"): object {
  return {
    package: { ecosystem, name: "openssl" },
    ranges: [{ type: "ECOSYSTEM", events }],
  };
}

function recordWith(fields: object): object {
  return { id: "DSA-0000-1", modified: "2026-01-01T00:00:00Z", ...fields };
}

describe("parseOsvRecord on real records", () => {
  test("accepts every fixture record", async () => {
    const paths = await listOsvFixtures();
    expect(paths.length).toBeGreaterThan(20);

    const rejected: string[] = [];
    for (const path of paths) {
      const result = tryParseOsvRecord(await readFixture(path), path);
      if (!result.ok) {
        rejected.push(result.reason);
      }
    }
    expect(rejected).toEqual([]);
  });

  test("returns the input object unchanged", async () => {
    const value = await readFixture("ubuntu/USN-8362-1.json");
    const before = JSON.stringify(value);

    const record = parseOsvRecord(value, "USN-8362-1.json");

    expect(record).toBe(value as unknown as typeof record);
    expect(JSON.stringify(record)).toBe(before);
  });

  test("keeps fields the schema does not name", () => {
    const value = recordWith({
      x_vendor: { note: "kept" },
      affected: [{ ...debianEntry([{ introduced: "0" }]), x_entry_field: 1 }],
    });

    const record = parseOsvRecord(value, "hand-made");

    expect(JSON.parse(JSON.stringify(record))).toEqual(value);
  });

  test("accepts null aliases, affected, references and severity", () => {
    const value = recordWith({ aliases: null, affected: null, references: null, severity: null });

    expect(tryParseOsvRecord(value, "hand-made").ok).toBe(true);
  });

  test("accepts an older record without schema_version", async () => {
    const value = await readFixture("debian/DSA-3029-1.json");

    expect(value.schema_version).toBeUndefined();
    expect(parseOsvRecord(value, "DSA-3029-1.json").id).toBe("DSA-3029-1");
  });

  test("accepts GIT ranges with commit hashes and no package", async () => {
    const value = await readFixture("osv-api/CVE-2025-26519.json");

    const record = parseOsvRecord(value, "CVE-2025-26519.json");

    expect(record.affected?.some((entry) => entry.package === undefined)).toBe(true);
  });
});

describe("tryParseOsvRecord rejections", () => {
  const cases: { name: string; value: unknown; problem: string }[] = [
    { name: "not an object", value: "DSA-1", problem: "record" },
    { name: "null", value: null, problem: "record" },
    { name: "missing id", value: { modified: "2026-01-01T00:00:00Z" }, problem: "id" },
    { name: "empty id", value: recordWith({ id: "" }), problem: "id" },
    {
      name: "id with a newline",
      value: recordWith({ id: "CVE-1\nINJECT" }),
      problem: "id: contains whitespace or a control character",
    },
    {
      name: "id with an escape sequence",
      value: recordWith({ id: "CVE-1\u001b[2J" }),
      problem: "id: contains whitespace or a control character",
    },
    { name: "id with a space", value: recordWith({ id: "CVE 1" }), problem: "id:" },
    { name: "id of 256 characters", value: recordWith({ id: "A".repeat(256) }), problem: "id:" },
    { name: "missing modified", value: { id: "DSA-0000-1" }, problem: "modified" },
    {
      name: "modified not a date",
      value: recordWith({ modified: "yesterday" }),
      problem: 'modified: "yesterday" is not an RFC 3339 date-time',
    },
    {
      name: "modified without time",
      value: recordWith({ modified: "2026-01-01" }),
      problem: "modified:",
    },
    {
      name: "modified with an impossible month",
      value: recordWith({ modified: "2026-13-01T00:00:00Z" }),
      problem: "modified:",
    },
    {
      name: "withdrawn not a date",
      value: recordWith({ withdrawn: "soon" }),
      problem: "withdrawn:",
    },
    {
      name: "aliases not strings",
      value: recordWith({ aliases: [1] }),
      problem: "aliases: expected an array of strings",
    },
    {
      name: "ECOSYSTEM range without events",
      value: recordWith({ affected: [debianEntry([])] }),
      problem: "affected[0].ranges[0].events: an ECOSYSTEM range has no events",
    },
    {
      name: "event with two fields",
      value: recordWith({ affected: [debianEntry([{ introduced: "0", fixed: "1.0-1" }])] }),
      problem: "affected[0].ranges[0].events[0]: an event must set exactly one",
    },
    {
      name: "event with no field",
      value: recordWith({ affected: [debianEntry([{ introduced: "0" }, {}])] }),
      problem: "found none",
    },
    {
      name: "Debian fixed version with an empty revision",
      value: recordWith({ affected: [debianEntry([{ introduced: "0" }, { fixed: "1.0-" }])] }),
      problem: 'affected[0].ranges[0].events[1].fixed: "1.0-" is not a valid Debian version',
    },
    {
      name: "Debian introduced version with a space",
      value: recordWith({ affected: [debianEntry([{ introduced: "1.0 2" }])] }),
      problem: "events[0].introduced",
    },
    {
      name: "Ubuntu last_affected with an empty epoch",
      value: recordWith({
        affected: [
          debianEntry([{ introduced: "0" }, { last_affected: ":1.0" }], "Ubuntu:22.04:LTS"),
        ],
      }),
      problem: "(ecosystem Ubuntu:22.04:LTS)",
    },
    {
      name: "Ubuntu Pro limit that is empty",
      value: recordWith({
        affected: [debianEntry([{ introduced: "0" }, { limit: "" }], "Ubuntu:Pro:20.04:LTS")],
      }),
      problem: "events[1].limit",
    },
  ];

  for (const { name, value, problem } of cases) {
    test(name, () => {
      const result = tryParseOsvRecord(value, "test-origin.json");

      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toContain(problem);
        expect(result.reason).toContain("test-origin.json");
      }
    });
  }

  test("one bad entry rejects the whole record", () => {
    const value = recordWith({
      affected: [
        debianEntry([{ introduced: "0" }, { fixed: "3.0.11-1~deb12u2" }]),
        debianEntry([{ introduced: "0" }, { fixed: "not a version" }], "Debian:11"),
      ],
    });

    const result = tryParseOsvRecord(value, "hand-made");

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.id).toBe("DSA-0000-1");
      expect(result.reason).toContain("affected[1].ranges[0].events[1].fixed");
    }
  });

  test("names the id and lists at most three problems", () => {
    const events = [{ fixed: "a b" }, { fixed: "c d" }, { fixed: "e f" }, { fixed: "g h" }];
    const value = recordWith({ id: "DLA-1234-1", affected: [debianEntry(events)] });

    const result = tryParseOsvRecord(value, "all.zip:DLA-1234-1.json");

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toStartWith(
        "Invalid OSV record DLA-1234-1 from all.zip:DLA-1234-1.json:",
      );
      expect(result.reason).toContain("events[2].fixed");
      expect(result.reason).not.toContain("events[3].fixed");
      expect(result.reason).toContain("and more");
    }
  });

  test("shortens a long id in the message", () => {
    const result = tryParseOsvRecord(recordWith({ id: "A".repeat(100_000) }), "long.json");

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThan(1000);
  });

  test("reports a record without id as such", () => {
    const result = tryParseOsvRecord({ modified: "2026-01-01T00:00:00Z" }, "x.json");

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.id).toBeNull();
      expect(result.reason).toStartWith("Invalid OSV record without an id from x.json:");
    }
  });
});

describe("tryParseOsvRecord leniency", () => {
  const accepted: { name: string; value: object }[] = [
    {
      name: "introduced 0 and limit * in a Debian range",
      value: recordWith({ affected: [debianEntry([{ introduced: "0" }, { limit: "*" }])] }),
    },
    {
      name: "Alpine versions are not checked with dpkg rules",
      value: recordWith({
        affected: [debianEntry([{ introduced: "0" }, { fixed: "1.2.3_rc1-r0" }], "Alpine:v3.20")],
      }),
    },
    {
      name: "GIT range events in a Debian entry",
      value: recordWith({
        affected: [
          {
            package: { ecosystem: "Debian:12", name: "musl" },
            ranges: [
              {
                type: "GIT",
                repo: "https://example.invalid/musl",
                events: [{ introduced: "0" }, { fixed: "c47ad25e" }],
              },
            ],
          },
        ],
      }),
    },
    {
      name: "a severity type newer than the schema",
      value: recordWith({ severity: [{ type: "CVSS_V5", score: "CVSS:5.0/AV:N" }] }),
    },
    {
      name: "modified with a numeric offset",
      value: recordWith({ modified: "2026-01-01T02:00:00+02:00" }),
    },
  ];

  for (const { name, value } of accepted) {
    test(name, () => {
      const result = tryParseOsvRecord(value, "hand-made");
      expect(result.ok ? "" : result.reason).toBe("");
    });
  }
});

describe("parseOsvRecord errors", () => {
  test("throws an unusable-input error with the reason", () => {
    let caught: unknown;
    try {
      parseOsvRecord(recordWith({ modified: "never" }), "DSA-0000-1.json");
    } catch (error) {
      caught = error;
    }

    expect(isCortexError(caught)).toBe(true);
    if (isCortexError(caught)) {
      expect(caught.exitCode).toBe(ExitCode.unusableInput);
      expect(caught.message).toContain("OSV record DSA-0000-1 from DSA-0000-1.json");
    }
  });
});
