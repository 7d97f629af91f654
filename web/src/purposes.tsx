import { Select, Tag } from 'antd';
import { useEffect, useState, type CSSProperties } from 'react';
import { api } from './api';
import type { PurposeRef } from './share/types';

/**
 * 用途: the registered purposes grants allow and calls state (GET /api/v1/purposes). Asked once
 * per page load; an operator's new purpose shows after a reload.
 */
let registry: Promise<PurposeRef[]> | undefined;

export function usePurposes(): PurposeRef[] {
  const [purposes, setPurposes] = useState<PurposeRef[]>([]);
  useEffect(() => {
    registry ??= api<PurposeRef[]>('/api/v1/purposes').catch((e: unknown) => {
      registry = undefined;
      throw e;
    });
    void registry.then(setPurposes, () => setPurposes([]));
  }, []);
  return purposes;
}

/** Picks purposes by their Chinese name; the value is their codes. `options` narrows them (a grant's own). */
export function PurposeSelect({
  value,
  onChange,
  multiple,
  options,
  testId,
  style,
}: {
  value?: string | string[];
  onChange?: (value: string | string[]) => void;
  multiple?: boolean;
  options?: PurposeRef[];
  testId: string;
  style?: CSSProperties;
}) {
  const all = usePurposes();
  return (
    <Select
      value={value}
      onChange={onChange}
      mode={multiple ? 'multiple' : undefined}
      showSearch
      optionFilterProp="label"
      style={style ?? { minWidth: 200 }}
      data-testid={testId}
      options={(options ?? all).map((p) => ({ value: p.code, label: p.name }))}
    />
  );
}

export function PurposeTags({ purposes }: { purposes: PurposeRef[] }) {
  return (
    <>
      {purposes.map((p) => (
        <Tag key={p.code} title={p.code}>
          {p.name}
        </Tag>
      ))}
    </>
  );
}
