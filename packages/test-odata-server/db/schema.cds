namespace connectorkit.fixture;

using { managed, cuid } from '@sap/cds/common';

/** Customers: a guid key, an ETag on modifiedAt, a date and a navigation to their orders. */
entity Customers : cuid, managed {
  name     : String(100) not null;
  city     : String(60);
  rating   : Integer;
  birthday : Date;
  orders   : Association to many Orders on orders.customer = $self;
}

/** Orders: an integer key, decimals, a timestamp, and navigations both ways. */
entity Orders : managed {
  key ID       : Integer;
  customer     : Association to Customers;
  status       : String(20) default 'open';
  total        : Decimal(12, 2);
  currency     : String(3);
  orderedAt    : DateTime;
  note         : String(200);
  items        : Composition of many OrderItems on items.order = $self;
}

/** Order items: a composite key (order and position). */
entity OrderItems {
  key order    : Association to Orders;
  key position : Integer;
  product      : String(40);
  quantity     : Integer;
  price        : Decimal(9, 2);
}

/** Products: a string key; served in pages of five to test server-driven paging. */
entity Products {
  key code     : String(20);
  title        : String(100);
  price        : Decimal(9, 2);
  weight       : Double;
  releasedOn   : Date;
  stock        : Integer64;
}

annotate Customers with {
  modifiedAt @odata.etag;
}

annotate Orders with {
  modifiedAt @odata.etag;
}
