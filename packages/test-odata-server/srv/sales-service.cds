using { connectorkit.fixture as fixture } from '../db/schema';

@requires: 'authenticated-user'
service SalesService {
  entity Customers  as projection on fixture.Customers;
  entity Orders     as projection on fixture.Orders actions {
    /** Sets the status to 'cancelled' and returns the order. */
    action cancel(reason : String) returns Orders;
  };
  entity OrderItems as projection on fixture.OrderItems;

  @cds.query.limit: { default: 5, max: 5 }
  entity Products   as projection on fixture.Products;

  /** The number of orders, optionally only those with a status. */
  function countOrders(status : String) returns Integer;
  /** The sum of the totals of the orders of one customer. */
  function customerRevenue(customer : UUID, since : DateTime) returns Decimal(12, 2);
  /** Waits before answering: lets tests exercise timeouts and cancellation. */
  function slow(milliseconds : Integer) returns Integer;
  /** Adds a number of points to the rating of every customer of a city; returns how many changed. */
  action rateCity(city : String, points : Integer) returns Integer;
}
