DROP TABLE app.products;
