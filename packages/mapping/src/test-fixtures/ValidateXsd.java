// Validates XML files against an XSD with the JDK validator: ValidateXsd <schema.xsd> <file.xml>...
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.*;
import java.io.File;
public class ValidateXsd {
  public static void main(String[] args) throws Exception {
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    Schema schema = factory.newSchema(new File(args[0]));
    Validator validator = schema.newValidator();
    for (int i = 1; i < args.length; i++) {
      try { validator.validate(new StreamSource(new File(args[i]))); System.out.println("VALID " + args[i]); }
      catch (org.xml.sax.SAXException e) { System.out.println("INVALID " + args[i] + ": " + e.getMessage()); }
    }
  }
}
