// The state of the client's Lightspeed connections (ACTIVE, and who activated it); a K-Series connection names a
// business and lists its locations, which are what departments name as their POS client number.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, describeError, type StateLabel } from "../client";
import { ConnectionState, LightspeedProvider, type Connection } from "../gen/pos/lightspeed_auth/v1/lightspeed_auth_service_pb";
import { clientId, type PageContext } from "./context";
import { $, el, serverText } from "./dom";

const tones: Record<ConnectionState, StateLabel["tone"]> = {
  [ConnectionState.UNSPECIFIED]: "idle",
  [ConnectionState.PENDING_CONSENT]: "running",
  [ConnectionState.AUTHORIZED]: "running",
  [ConnectionState.ACTIVE]: "done",
  [ConnectionState.REAUTHORIZATION_REQUIRED]: "failed",
  [ConnectionState.REVOKED]: "cancelled",
};

/** The colour of a connection's state (the health view uses it too). */
export const connectionTone = (state: ConnectionState): StateLabel["tone"] => tones[state] ?? "idle";

export async function loadConnections(page: PageContext) {
  const { t, f } = page.i18n;
  const box = $("connections");
  box.replaceChildren(el("p", { class: "muted" }, t.checking));
  let connections: Connection[];
  try {
    connections = (await page.clients.lightspeedAuth.listConnections({ clientId: clientId(page) })).connections;
  } catch (error) {
    const plain = describeError(error, page.i18n);
    // A missing feature is not a broken connection: grey, not red.
    const missing = plain.code === Code.Unimplemented;
    box.replaceChildren(el("p", { class: "status-line" }, el("span", { class: `dot ${missing ? "idle" : "failed"}` }),
      missing ? t.connectionServiceMissing : plain.summary));
    return;
  }
  if (connections.length === 0) {
    box.replaceChildren(el("p", { class: "status-line" }, el("span", { class: "dot idle" }), t.notConnected));
    return;
  }
  box.replaceChildren(...connections.map((c) => {
    const state = tones[c.state] === undefined ? ConnectionState.UNSPECIFIED : c.state;
    return el("div", { class: "connection", "data-state": ConnectionState[state] },
      el("p", { class: "status-line" }, el("span", { class: `dot ${tones[state]}` }), el("strong", {}, t.connectionStates[state])),
      el("p", { class: "muted" }, `${c.accountName || t.lightspeedAccount}${c.accountId ? ` (${c.accountId})` : ""}`),
      ...(c.provider === LightspeedProvider.K_SERIES && c.accounts.length
        ? [el("p", { class: "muted small locations" }, t.businessLocations(f.list(c.accounts.map((a) => `${a.name || a.accountId} (${a.accountId})`))))]
        : []),
      ...(c.state === ConnectionState.ACTIVE && c.activatedBy
        ? [el("p", { class: "muted small" }, t.activatedBy(c.activatedBy, c.activateTime ? f.dateOf(timestampDate(c.activateTime)) : undefined))]
        : []),
      ...(c.lastError ? [el("p", { class: "field-error" }, serverText(c.lastError, page.i18n))] : []));
  }));
}
