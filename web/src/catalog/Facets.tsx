import { Card, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Facet, SearchResult } from './types';

export const FACETS: Facet[] = ['provider', 'category', 'shareType', 'openType', 'level'];
/** The i18n prefix of each facet's values; providers are named by organization instead. */
const PREFIX: Record<Facet, string> = {
  provider: '',
  category: 'category',
  shareType: 'share',
  openType: 'open',
  level: 'level',
};

interface Props {
  facets: SearchResult['facets'];
  selected: Partial<Record<Facet, string>>;
  names: Record<string, string>;
  onChange: (facet: Facet, value: string | undefined) => void;
}

/** The facet sidebar: per facet, its values with the number of matching entries; one value per facet is checked. */
export function Facets({ facets, selected, names, onChange }: Props) {
  const { t } = useTranslation();
  const label = (facet: Facet, value: string) =>
    facet === 'provider' ? (names[value] ?? value) : t(`${PREFIX[facet]}.${value}`);
  return (
    <Card size="small" title={t('filters')} data-testid="facets">
      {FACETS.map((facet) => {
        const counts = { ...facets[facet] };
        const current = selected[facet];
        if (current && !(current in counts)) counts[current] = 0;
        const values = Object.entries(counts).sort((a, b) => b[1] - a[1]);
        return (
          <div key={facet} style={{ marginBottom: 12 }} data-testid={`facet-${facet}`}>
            <Typography.Text strong>{t(facet)}</Typography.Text>
            <Flex wrap gap={4} style={{ marginTop: 4 }}>
              {values.length === 0 && <Typography.Text type="secondary">—</Typography.Text>}
              {values.map(([value, count]) => (
                <Tag.CheckableTag
                  key={value}
                  checked={current === value}
                  onChange={(on) => onChange(facet, on ? value : undefined)}
                  data-testid={`facet-${facet}-${value}`}
                >
                  {label(facet, value)} <span style={{ opacity: 0.6 }}>{count}</span>
                </Tag.CheckableTag>
              ))}
            </Flex>
          </div>
        );
      })}
    </Card>
  );
}
