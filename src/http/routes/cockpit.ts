import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DashboardSchema, PERIODS } from '../../cockpit/index.js';
import type { Hub } from '../../hub/index.js';
import { chinaDate, languageOf } from '../../kernel/index.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const OrgCode = Type.String({ pattern: '^[A-Z0-9]{2,16}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Indicator = Type.Object({
  code: Type.String(),
  name: Type.String({ description: 'in the request’s language' }),
  module: Type.String(),
  value: Nullable(Type.Number()),
  target: Nullable(Type.Number()),
  targetOp: Nullable(Type.Union([Type.Literal('>='), Type.Literal('>'), Type.Literal('<=')])),
  unit: Type.String({ description: 'percent (0–100), days (working days) or count' }),
  period: Type.String(),
  met: Nullable(Type.Boolean()),
  numerator: Type.Number(),
  denominator: Nullable(Type.Number()),
  definition: Type.Object({ numerator: Type.String(), denominator: Nullable(Type.String()) }),
  departments: Type.Optional(
    Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        value: Nullable(Type.Number()),
        met: Nullable(Type.Boolean()),
      }),
    ),
  ),
});

const Id = Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]{2,40}$' }) });
const Words = Type.Object({ zh: Type.String(), en: Type.String() });

/** 驾驶舱 (docs/cockpit.md): indicators, the rows behind them, the evaluation index, topic dashboards. */
export function cockpitRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['cockpit'];
    const security = [{ bearer: [] }];

    app.get(
      '/cockpit/indicators',
      {
        schema: {
          tags,
          security,
          summary: 'Every indicator against its target: the city’s, or one department’s (?org=)',
          querystring: Type.Object({
            org: Type.Optional(OrgCode),
            departments: Type.Optional(Type.Boolean({ description: 'with each department’s figure (city only)' })),
          }),
          response: { 200: Type.Array(Indicator) },
        },
      },
      async (request) =>
        hub.cockpit.indicators(request.actor, {
          org: request.query.org,
          departments: request.query.departments ?? false,
          language: languageOf(request.headers['accept-language']),
        }),
    );

    app.get(
      '/cockpit/indicators/:code/rows',
      {
        schema: {
          tags,
          security,
          summary: 'The rows that make an indicator’s figure (drill-down): of a department, or the city’s',
          // Any text: a code that is no indicator's is answered 404 after the policy, never 400 before it.
          params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
          querystring: Type.Object({ org: Type.Optional(OrgCode) }),
          response: {
            200: Type.Object({
              columns: Type.Array(
                Type.Object({
                  key: Type.String(),
                  name: Words,
                  values: Type.Optional(Type.Record(Type.String(), Words, { description: 'the words of its codes' })),
                }),
              ),
              rows: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]))),
              truncated: Type.Boolean(),
            }),
          },
        },
      },
      async (request) => hub.cockpit.drill(request.actor, request.params.code, request.query.org),
    );

    app.get(
      '/cockpit/ranking',
      {
        schema: {
          tags,
          security,
          summary: '考核指数: the departments ranked this month, beside last month, with red flags',
          response: {
            200: Type.Object({
              month: Type.String(),
              previousMonth: Type.String(),
              formula: Type.String(),
              rows: Type.Array(
                Type.Object({
                  rank: Type.Integer(),
                  org: Type.Object({ code: Type.String(), name: Type.String() }),
                  score: Type.Number(),
                  previous: Nullable(Type.Number()),
                  change: Nullable(Type.Number()),
                  parts: Type.Object({
                    catalogIndex: Type.Number(),
                    fixRate: Nullable(Type.Number()),
                    demandTimeliness: Nullable(Type.Number()),
                  }),
                  overdue: Type.Object({ demands: Type.Integer(), corrections: Type.Integer() }),
                  flags: Type.Array(
                    Type.Union([
                      Type.Literal('overdue_demands'),
                      Type.Literal('overdue_corrections'),
                      Type.Literal('falling'),
                    ]),
                  ),
                }),
              ),
            }),
          },
        },
      },
      async (request) => hub.cockpit.ranking(request.actor, languageOf(request.headers['accept-language'])),
    );

    app.get(
      '/cockpit/report.pdf',
      {
        schema: {
          tags,
          security,
          summary: '月度报告: this month’s city indicators and department ranking as a printable PDF',
        },
      },
      async (request, reply) => {
        const body = await hub.cockpit.report(request.actor, languageOf(request.headers['accept-language']));
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="cockpit-${chinaDate(new Date()).slice(0, 7)}.pdf"`)
          .send(body);
      },
    );

    app.get(
      '/cockpit/dashboards',
      {
        schema: {
          tags,
          security,
          summary: 'The topic dashboards (数据专题), titles in the request’s language',
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                version: Type.Integer(),
                title: Type.String(),
                theme: Type.String(),
                panels: Type.Integer(),
                updatedBy: Type.String(),
                updatedAt: Type.String(),
              }),
            ),
          },
        },
      },
      async (request) => hub.cockpit.listDashboards(request.actor, languageOf(request.headers['accept-language'])),
    );

    app.get(
      '/cockpit/dashboards/:id',
      {
        schema: {
          tags,
          security,
          summary: 'A dashboard’s definition: the document (CockpitDashboard schema) and its version',
          params: Id,
          response: {
            200: Type.Object({
              version: Type.Integer(),
              updatedBy: Type.String(),
              updatedAt: Type.String(),
              doc: DashboardSchema,
            }),
          },
        },
      },
      async (request) => hub.cockpit.dashboard(request.actor, request.params.id),
    );

    app.put(
      '/cockpit/dashboards/:id',
      {
        schema: {
          tags,
          security,
          summary: 'An operator’s edit of a dashboard: validated, stored as a new version',
          params: Id,
          body: Type.Object(
            {
              version: Type.Integer({ minimum: 1, description: 'the version the edit was made on' }),
              doc: Type.Unknown({ description: 'the document (CockpitDashboard schema), checked by the hub' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ version: Type.Integer() }) },
        },
      },
      async (request) =>
        hub.cockpit.saveDashboard(request.actor, request.params.id, request.body.doc, request.body.version),
    );

    app.get(
      '/cockpit/dashboards/:id/data',
      {
        schema: {
          tags,
          security,
          summary: 'Every panel’s data of a dashboard, under the district and period filters',
          params: Id,
          querystring: Type.Object({
            district: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 code' })),
            period: Type.Optional(Type.Enum(PERIODS, { default: 'all' })),
          }),
          response: {
            200: Type.Object({
              id: Type.String(),
              panels: Type.Array(
                Type.Object({
                  id: Type.String(),
                  indicator: Nullable(Type.Omit(Indicator, ['departments'])),
                  points: Type.Array(
                    Type.Object({
                      label: Type.String(),
                      value: Type.Number(),
                      code: Type.Optional(
                        Type.String({ description: 'the district’s GB/T 2260 code, on queries by district' }),
                      ),
                    }),
                  ),
                }),
              ),
            }),
          },
        },
      },
      async (request) =>
        hub.cockpit.dashboardData(request.actor, request.params.id, {
          district: request.query.district,
          period: request.query.period ?? 'all',
          language: languageOf(request.headers['accept-language']),
        }),
    );

    app.get(
      '/cockpit/dashboards/:id/data.xlsx',
      {
        schema: {
          tags,
          security,
          summary: 'A dashboard’s data as XLSX: a sheet per panel, under the same filters',
          params: Id,
          querystring: Type.Object({
            district: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
            period: Type.Optional(Type.Enum(PERIODS, { default: 'all' })),
          }),
        },
      },
      async (request, reply) => {
        const body = await hub.cockpit.dashboardXlsx(request.actor, request.params.id, {
          district: request.query.district,
          period: request.query.period ?? 'all',
          language: languageOf(request.headers['accept-language']),
        });
        return reply
          .type(XLSX)
          .header('content-disposition', `attachment; filename="${request.params.id}-${chinaDate(new Date())}.xlsx"`)
          .send(body);
      },
    );
  };
}
