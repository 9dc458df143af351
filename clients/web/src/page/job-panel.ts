// The progress card: follows one job (started here, or found running after a reload) over WatchImportJob,
// redraws it on every message, announces its summary when that changes, and lets the user cancel it.
import { Code, ConnectError } from "@connectrpc/connect";
import { announcement, describeError, isTerminal, jobBadge, reconnectDelayMs } from "../client";
import { ImportJobState, type ImportJob } from "../gen/pos/imports/v1/import_service_pb";
import { clientId, type PageContext } from "./context";
import { $, el } from "./dom";
import { loadHealth } from "./health-view";
import { progressNodes } from "./progress-view";
import { showImportedTotals } from "./totals-view";

export class JobPanel {
  private job: ImportJob | undefined;
  private watching: AbortController | undefined;

  constructor(private readonly page: PageContext) {
    $("cancel").addEventListener("click", () => void this.cancel());
  }

  /** Whether a job is queued or running (the form's Start stays off meanwhile). */
  get running(): boolean {
    return this.job !== undefined && !isTerminal(this.job.state);
  }

  /** Shows a job and watches it until it ends. */
  follow(job: ImportJob) {
    this.show(job);
    void this.watch(job.jobId);
  }

  /** After a reload: the client's running (or queued) import, instead of an idle page. */
  async resume() {
    try {
      for (const state of [ImportJobState.RUNNING, ImportJobState.QUEUED]) {
        const found = await this.page.clients.imports.listImportJobs({ clientId: clientId(this.page), state, pageSize: 1 });
        if (found.jobs[0]) {
          this.follow(found.jobs[0]);
          return;
        }
      }
    } catch (error) {
      if (ConnectError.from(error).code !== Code.Unimplemented) this.note(describeError(error, this.page.i18n).summary);
    }
    if (!this.job) this.show(undefined);
  }

  private async watch(jobId: string) {
    this.watching?.abort();
    const controller = new AbortController();
    this.watching = controller;
    let failures = 0;
    while (!controller.signal.aborted && this.running) {
      try {
        for await (const update of this.page.clients.imports.watchImportJob({ jobId }, { signal: controller.signal, timeoutMs: 0 })) {
          failures = 0;
          // A heartbeat carries the job as re-read by the server: a change whose notification was missed, and a
          // fresh ETA. So every message is drawn, heartbeats included (the announcer stays quiet unless its text changes).
          if (update.job) this.show(update.job);
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        const plain = describeError(error, this.page.i18n);
        const delay = reconnectDelayMs(plain, ++failures);
        if (delay === undefined) {
          this.note(this.page.i18n.t.liveProgressStopped(plain.summary));
          return;
        }
        this.note(this.page.i18n.t.reconnecting);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async cancel() {
    const { t } = this.page.i18n;
    if (!this.job || !confirm(t.confirmCancel)) return;
    const button = $<HTMLButtonElement>("cancel");
    button.disabled = true;
    try {
      this.show((await this.page.clients.imports.cancelImportJob({ jobId: this.job.jobId })).job);
    } catch (error) {
      this.note(t.couldNotCancel(describeError(error, this.page.i18n).summary));
    } finally {
      button.disabled = false;
    }
  }

  /** A line under the progress (a dropped stream, a failed cancel), kept until the next redraw. */
  private note(text: string) {
    const note = document.querySelector("#progress .live-note") ?? $("progress").appendChild(el("p", { class: "note live-note" }));
    note.textContent = text;
  }

  private show(next: ImportJob | undefined) {
    const { i18n } = this.page;
    const previous = this.job;
    this.job = next;
    const badge = jobBadge(next, i18n);
    const state = $("state");
    state.textContent = badge.label;
    state.className = `badge ${badge.tone}`;
    state.dataset.state = ImportJobState[next?.state ?? ImportJobState.UNSPECIFIED];
    $("cancel").hidden = !this.running;
    $<HTMLButtonElement>("start").disabled = this.running;

    const announcer = $("announcer");
    const summary = announcement(next, i18n);
    if (announcer.textContent !== summary) announcer.textContent = summary;

    if (!next) {
      $("progress").replaceChildren(el("p", { class: "muted" }, i18n.t.idleHint));
      return;
    }
    $("progress").replaceChildren(...progressNodes(next, this.page));
    if (next.jobId !== previous?.jobId) $("totals").replaceChildren();
    // Once, when the job ends having imported something: what is in the weekly balance now.
    const ended = isTerminal(next.state) && !(previous?.jobId === next.jobId && isTerminal(previous.state));
    if (ended && (next.progress?.departmentDaysDone ?? 0) > 0) void showImportedTotals(next, this.page);
    // The health view shows what the import changed (days imported, problems gone or new) without a reload.
    if (ended) void loadHealth(this.page);
  }
}
