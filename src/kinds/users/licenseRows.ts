import type { SubscribedSku } from "../../sources/graph/subscribedSkus";
import { encodeItem } from "../../store/rowCodec";
import { itemKeys } from "../../store/rowKeys";
import type { ItemRows, RowLayout } from "../../sync/contract";
import { skuPowerBi } from "./powerBiLicense";

/** The subscribed SKUs of a users snapshot, one row each, keyed by skuId. */
export const LICENSES_ROW_SET = "licenses";

/** One row per subscribed SKU: Graph's properties plus `powerBi`, the SKU's highest Power BI plan (or null). */
export function licenseRows(sku: SubscribedSku, layout: RowLayout): ItemRows {
  const keys = itemKeys(layout.tenantId, layout.snapshotId, LICENSES_ROW_SET, layout.partitionBits, sku.skuId);
  return {
    rows: encodeItem(keys.partitionKey, keys.rowKey, { ...sku, powerBi: skuPowerBi(sku) }),
    counts: { licenses: 1 },
  };
}
