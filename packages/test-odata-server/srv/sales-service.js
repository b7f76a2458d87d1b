import cds from '@sap/cds';

const { SELECT, UPDATE } = cds.ql;

/** Handlers of the fixture's functions and actions. */
export default class SalesService extends cds.ApplicationService {
  init() {
    const { Orders, Customers } = this.entities;

    this.on('countOrders', async (request) => {
      const { status } = request.data;
      const query = SELECT.one.from(Orders).columns('count(1) as count');
      if (status !== undefined && status !== null) query.where({ status });
      const row = await query;
      return row?.count ?? 0;
    });

    this.on('customerRevenue', async (request) => {
      const { customer, since } = request.data;
      const query = SELECT.one.from(Orders).columns('sum(total) as revenue').where({ customer_ID: customer });
      if (since !== undefined && since !== null) query.where({ orderedAt: { '>=': since } });
      const row = await query;
      return row?.revenue ?? 0;
    });

    this.on('slow', async (request) => {
      const milliseconds = Math.min(Number(request.data.milliseconds ?? 0), 60_000);
      await new Promise((resolve) => setTimeout(resolve, milliseconds));
      return milliseconds;
    });

    this.on('rateCity', async (request) => {
      const { city, points } = request.data;
      const rows = await SELECT.from(Customers).columns('ID', 'rating').where({ city });
      for (const row of rows) {
        await UPDATE(Customers, row.ID).with({ rating: (row.rating ?? 0) + Number(points ?? 0) });
      }
      return rows.length;
    });

    this.on('cancel', Orders, async (request) => {
      const [parameter] = request.params;
      const ID = typeof parameter === 'object' ? parameter.ID : parameter;
      const order = await SELECT.one.from(Orders, ID);
      if (order === undefined || order === null) return request.reject(404, `order ${ID} does not exist`);
      if (order.status === 'shipped')
        return request.reject(409, `order ${ID} has shipped and cannot be cancelled`);
      const note = request.data.reason ? `cancelled: ${request.data.reason}` : 'cancelled';
      await UPDATE(Orders, ID).with({ status: 'cancelled', note });
      return SELECT.one.from(Orders, ID);
    });

    return super.init();
  }
}
