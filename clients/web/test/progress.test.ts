import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  announcement, departmentStateLabel, formatEta, isTerminal, jobBadge, jobStateLabel, jobTimes, outcomeSentence, percentDone, posFieldTypeLabel,
  posTraffic, progressCounts, skippedSalesText,
} from "../src/client";
import {
  DepartmentImportState, ImportJobSchema, ImportJobState, ImportProgressSchema,
} from "../src/gen/pos/imports/v1/import_service_pb";
import { createI18n } from "../src/i18n";

const english = createI18n("en-GB");
/** Intl keeps a number and its unit together with no-break spaces; compared here as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
const danish = createI18n("da-DK");

describe("import progress in plain words", () => {
  it("labels every job state", () => {
    expect(jobStateLabel(ImportJobState.UNSPECIFIED, english)).toEqual({ label: "Not started", tone: "idle" });
    expect(jobStateLabel(ImportJobState.RUNNING, english).tone).toBe("running");
    expect(jobStateLabel(ImportJobState.SUCCEEDED, english)).toEqual({ label: "Done", tone: "done" });
    expect(jobStateLabel(ImportJobState.SUCCEEDED, danish)).toEqual({ label: "Færdig", tone: "done" });
    expect(jobStateLabel(ImportJobState.FAILED, english).tone).toBe("failed");
    expect(jobStateLabel(ImportJobState.CANCELLED, danish)).toEqual({ label: "Annulleret", tone: "cancelled" });
    expect(departmentStateLabel(DepartmentImportState.RUNNING, danish)).toEqual({ label: "Importerer", tone: "running" });
    expect([ImportJobState.QUEUED, ImportJobState.RUNNING].some(isTerminal)).toBe(false);
  });

  it("computes the percentage and the counts, in the user's locale", () => {
    const progress = create(ImportProgressSchema, { departmentDaysTotal: 3000, departmentDaysDone: 1000, salesRead: 12345n, valuesWritten: 678n });
    expect(percentDone(progress)).toBe(33);
    expect(percentDone(undefined)).toBe(0);
    expect(progressCounts(progress, english)[0]).toEqual({ key: "departmentDays", label: "Department-days", value: "1,000 / 3,000" });
    expect(progressCounts(progress, english)[1]).toEqual({ key: "salesRead", label: "Sales read", value: "12,345" });
    expect(progressCounts(progress, danish)[0]).toEqual({ key: "departmentDays", label: "Afdelingsdage", value: "1.000 / 3.000" });
    expect(progressCounts(progress, danish)[1]).toEqual({ key: "salesRead", label: "Salg læst", value: "12.345" });
  });

  it("formats the ETA only while running, with the local clock", () => {
    const now = new Date("2025-03-01T10:00:00Z");
    const job = create(ImportJobSchema, {
      state: ImportJobState.RUNNING,
      progress: { estimatedEndTime: timestampFromDate(new Date("2025-03-01T10:05:00Z")) },
    });
    expect(plain(formatEta(job, english, now))).toMatch(/^about 5 mins left \(until \d\d:\d\d\)$/);
    expect(plain(formatEta(job, danish, now))).toMatch(/^ca\. 5 min\. tilbage \(til kl\. \d\d\.\d\d\)$/);
    job.progress!.estimatedEndTime = timestampFromDate(new Date("2025-03-01T10:00:30Z"));
    expect(formatEta(job, danish, now)).toMatch(/^under et minut tilbage/);
    job.state = ImportJobState.SUCCEEDED;
    expect(formatEta(job, english, now)).toBe("");
  });

  it("says how a job ended, and that a job with failed days is done with problems", () => {
    const job = create(ImportJobSchema, {
      state: ImportJobState.SUCCEEDED,
      progress: { departmentDaysTotal: 5, departmentDaysDone: 5, valuesWritten: 1234n },
    });
    expect(jobBadge(job, english)).toEqual({ label: "Done", tone: "done" });
    expect(outcomeSentence(job, english)).toBe("All 5 department-days imported: 1,234 values written into the weekly balance.");
    expect(outcomeSentence(job, danish)).toBe("Alle 5 afdelingsdage er importeret: 1.234 værdier skrevet i ugebalancen.");

    job.progress!.departmentDaysDone = 4;
    job.progress!.errors = [{ $typeName: "pos.imports.v1.ImportError", departmentId: 10n, date: "2026-03-02", reason: "X", message: "m" }];
    expect(jobBadge(job, english)).toEqual({ label: "Done, with problems", tone: "warning" });
    expect(jobBadge(job, danish)).toEqual({ label: "Færdig, med problemer", tone: "warning" });
    expect(outcomeSentence(job, english)).toBe("4 of 5 department-days imported; 1 department-day could not be imported (see the problems below).");
    expect(outcomeSentence(job, danish)).toBe("4 af 5 afdelingsdage er importeret; 1 afdelingsdag kunne ikke importeres (se problemerne nedenfor).");

    job.progress!.errors = [];
    job.progress!.departments = [{ $typeName: "pos.imports.v1.DepartmentProgress", departmentId: 10n, state: DepartmentImportState.FAILED, daysDone: 0, daysTotal: 1, error: "e" }];
    expect(jobBadge(job, english).tone).toBe("warning");

    job.state = ImportJobState.CANCELLED;
    expect(outcomeSentence(job, english)).toBe("Cancelled after 4 of 5 department-days; what was imported stays.");
    expect(outcomeSentence(job, danish)).toBe("Annulleret efter 4 af 5 afdelingsdage; det importerede bliver stående.");
    job.state = ImportJobState.FAILED;
    expect(jobBadge(job, english)).toEqual({ label: "Failed", tone: "failed" });
    expect(outcomeSentence(job, english)).toMatch(/^Nothing could be imported/);
    job.state = ImportJobState.RUNNING;
    expect(outcomeSentence(job, english)).toBe("");
    expect(jobBadge(undefined, english)).toEqual({ label: "Not started", tone: "idle" });
    expect(jobBadge(undefined, danish)).toEqual({ label: "Ikke startet", tone: "idle" });
  });

  it("announces a running job in quarters, and the outcome when it ends", () => {
    const job = create(ImportJobSchema, { state: ImportJobState.RUNNING, progress: { departmentDaysTotal: 8, departmentDaysDone: 1 } });
    const said = [1, 2, 3, 5, 7].map((done) => {
      job.progress!.departmentDaysDone = done;
      return plain(announcement(job, english));
    });
    expect(said).toEqual([
      "Import running: 0% of the department-days done.",
      "Import running: 25% of the department-days done.",
      "Import running: 25% of the department-days done.",
      "Import running: 50% of the department-days done.",
      "Import running: 75% of the department-days done.",
    ]);
    expect(plain(announcement(job, danish))).toBe("Importen kører: 75 % af afdelingsdagene er færdige.");
    job.state = ImportJobState.SUCCEEDED;
    job.progress!.departmentDaysDone = 8;
    expect(announcement(job, english)).toBe(outcomeSentence(job, english));
    expect(announcement(undefined, english)).toBe("");
  });

  it("tells who started a job, when it finished and how long it took", () => {
    const job = create(ImportJobSchema, {
      state: ImportJobState.SUCCEEDED,
      createdBy: "alice",
      startTime: timestampFromDate(new Date("2025-03-01T10:00:00Z")),
      endTime: timestampFromDate(new Date("2025-03-01T10:03:05Z")),
    });
    expect(plain(jobTimes(job, english))).toMatch(/^Started \d\d:\d\d:\d\d by alice · finished \d\d:\d\d:\d\d \(3 mins 5 secs\)$/);
    expect(plain(jobTimes(job, danish))).toMatch(/^Startet \d\d\.\d\d\.\d\d af alice · færdig \d\d\.\d\d\.\d\d \(3 min\. 5 sek\.\)$/);
  });

  it("names what Lightspeed was asked and what it does not provide", () => {
    expect(posTraffic(create(ImportProgressSchema, { requestsMade: 1n }), english)).toBe("1 request to Lightspeed");
    expect(plain(posTraffic(create(ImportProgressSchema, { requestsMade: 1200n, rateLimitWaitMs: 65_000n }), english)))
      .toBe("1,200 requests to Lightspeed, 1 min 5 secs waiting for its rate limit");
    expect(plain(posTraffic(create(ImportProgressSchema, { requestsMade: 1200n, rateLimitWaitMs: 65_000n }), danish)))
      .toBe("1.200 forespørgsler til Lightspeed, 1 min. 5 sek. ventetid på dens hastighedsgrænse");
    expect(posFieldTypeLabel("POS_FIELD_TYPE_VISITORS", english)).toBe("Visitors");
    expect(posFieldTypeLabel("POS_FIELD_TYPE_VISITORS", danish)).toBe("Besøgende");
    expect(posFieldTypeLabel("POS_FIELD_TYPE_RETURNED_GOODS", english)).toBe("Returned goods");
    expect(posFieldTypeLabel("POS_FIELD_TYPE_FROM_THE_FUTURE", danish)).toBe("POS_FIELD_TYPE_FROM_THE_FUTURE");
  });

  it("lists the sales read and not counted by Lightspeed's type, most first, in the user's words", () => {
    const progress = create(ImportProgressSchema, {
      skippedSales: [{ type: "TRANSFER", count: 1900n }, { type: "SPLIT", count: 13n }, { type: "CANCELLED", count: 6n }],
    });
    expect(skippedSalesText(progress, english)).toBe("Read but not counted, by Lightspeed's type: 1,900 TRANSFER, 13 SPLIT and 6 CANCELLED.");
    expect(skippedSalesText(progress, danish)).toBe("Læst, men ikke talt med, efter Lightspeeds type: 1.900 TRANSFER, 13 SPLIT og 6 CANCELLED.");
    expect(skippedSalesText(create(ImportProgressSchema, {}), english)).toBe("");
    expect(skippedSalesText(undefined, danish)).toBe("");
  });
});
