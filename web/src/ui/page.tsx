import { Space, Typography } from 'antd';
import type { ReactNode } from 'react';

/**
 * Every page's frame: its title, actions beside it (below it when the screen is narrow), and its
 * content below. The title keeps its words together rather than wrap one character per line.
 */
export function Page({ title, extra, children }: { title: ReactNode; extra?: ReactNode; children: ReactNode }) {
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }} className="qdh-page">
      <div className="qdh-page-head">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra && <div className="qdh-page-extra">{extra}</div>}
      </div>
      {children}
    </Space>
  );
}
