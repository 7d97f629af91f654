import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api';
import { hasRole, useSession } from '../../session';
import type { ResourceSummary } from '../../types';

/**
 * The resources the caller may load — its organization's (officers), or any (operators) —
 * searched as typed. A chosen code stays shown even when the current search does not list it.
 */
export function ResourcePicker({
  value,
  onChange,
  testId,
  width,
}: {
  value?: string;
  onChange?: (v: string) => void;
  testId: string;
  width?: number;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [items, setItems] = useState<ResourceSummary[]>([]);
  const [q, setQ] = useState('');
  const provider = hasRole(user, 'operator') ? undefined : user?.org?.code;
  useEffect(() => {
    const timer = setTimeout(() => {
      api<{ items: ResourceSummary[] }>(`/api/v1/catalog/resources?${query({ q, provider, pageSize: 50 })}`)
        .then((r) => setItems(r.items))
        .catch(() => setItems([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [q, provider]);
  const options = items.map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }));
  if (value && !items.some((r) => r.code === value)) options.unshift({ value, label: value });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      placeholder={t('resource')}
      options={options}
      style={width ? { width } : undefined}
      data-testid={testId}
    />
  );
}
